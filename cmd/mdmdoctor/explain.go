package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/report"
)

const explainHelp = `Usage:
  mdmdoctor explain CODE|TEXT [--format text|json|markdown]
  mdmdoctor explain -          (read the text from standard input, e.g. a copied event)

Explains an enrollment error code, event or message: its symbol, meaning, the causes Microsoft
documents and where to look for each. Offline: no sign-in, no network. A code may be given as
0x80180014, 80180014, 2149056532 or -2145910764, or inside the message or event text it came in.
Exit 0 when the catalog knows it, 2 when it does not.
`

// maxPaste bounds what explain reads from standard input: an event or a dsregcmd output is a few KiB.
const maxPaste = 1 << 20

func runExplain(args []string, s streams) (int, error) {
	fs := newFlagSet("explain", explainHelp, s.out)
	format := fs.String("format", "text", "output format: text, json or markdown")
	// A negative int32 code (-2145910764) is an argument, not a flag.
	var flags, numbers []string
	for _, a := range args {
		if len(a) > 1 && a[0] == '-' && strings.Trim(a[1:], "0123456789") == "" {
			numbers = append(numbers, a)
		} else {
			flags = append(flags, a)
		}
	}
	pos, err := parse(fs, flags)
	pos = append(pos, numbers...)
	if err == errHelp {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return 0, usageError{err.Error()}
	}
	text := strings.Join(pos, " ")
	if text == "-" {
		raw, err := io.ReadAll(io.LimitReader(s.in, maxPaste))
		if err != nil {
			return 0, fmt.Errorf("could not read standard input: %w", err)
		}
		text = string(raw)
	}
	if strings.TrimSpace(text) == "" {
		return 0, usagef("name the error: mdmdoctor explain 0x80180014, or paste the message or event text in quotes (or - to read it from standard input)")
	}
	symptom, err := app.FindSymptom(text)
	if err != nil {
		return 0, err
	}
	if err := report.WriteSymptom(s.out, symptom, f); err != nil {
		return 0, fmt.Errorf("could not write the explanation: %w", err)
	}
	return 0, nil
}

// checkErrorFlag refuses, before any sign-in, an --error the catalog cannot place or a run it does
// not fit.
func checkErrorFlag(c Config) error {
	if c.Error == "" {
		return nil
	}
	if c.User == "" {
		return usagef("--error ranks an error's causes for one user: use it with --user UPN")
	}
	_, err := app.FindSymptom(c.Error)
	return err
}

package app

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/charmbracelet/x/term"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/report"
)

// ReportOptions say what a non-interactive run reports and how.
type ReportOptions struct {
	Format report.Format
	// Only are the check IDs to run (--only); the others are reported as skipped.
	Only []string
	// Error is the code, event or message the user met (check --error): its causes are ranked.
	Error string
}

// Report runs the checks for a target and writes the report to Stdout; its exit code follows the
// results.
func (a *App) Report(ctx context.Context, t facts.Target, o ReportOptions) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	f := facts.New(a.cfg.Cloud, t, a.Now())
	deltas := facts.Gather(ctx, t, a.Readers(t)...)
	results := checks.Run(ctx, f, deltas, checks.Options{Only: o.Only}, nil)
	rep := report.New(a.cfg.Version, a.cfg.Cloud, f.Target, results, a.Now())
	rep.Symptom = RankError(o.Error, rep.Results)
	rep.Reach = a.Reach("")
	if t.Kind == facts.TargetUser {
		p := checks.PathOf(f)
		rep.Path = &p
	}
	if err := a.writeReport(rep, o.Format); err != nil {
		return 0, err
	}
	return rep.ExitCode(), nil
}

// writeReport writes a report to Stdout. Text wraps to the terminal's width on a terminal, and not at all
// when piped, so that another program or a wider window gets whole paragraphs.
func (a *App) writeReport(rep report.Report, f report.Format) error {
	var err error
	if f == report.FormatText {
		err = report.WriteText(a.out, rep, TextWidth(a.out))
	} else {
		err = report.Write(a.out, rep, f)
	}
	if err != nil {
		return fmt.Errorf("could not write the report: %w", err)
	}
	return nil
}

// terminal returns stream as a file when it is a terminal (stdin, stdout or an SSH session's are
// given as io.Reader or io.Writer).
func terminal(stream any) (*os.File, bool) {
	f, ok := stream.(*os.File)
	return f, ok && term.IsTerminal(f.Fd())
}

// TextWidth is the width text written to w wraps to: the terminal's when w is one (80 when its size cannot
// be read), else no limit, so that a program or a wider window reading a pipe gets whole paragraphs.
func TextWidth(w io.Writer) int {
	f, ok := terminal(w)
	if !ok {
		return math.MaxInt32
	}
	if width, _, err := term.GetSize(f.Fd()); err == nil && width > 0 {
		return width
	}
	return 80
}

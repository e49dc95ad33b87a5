package dsregcmd

import (
	"bytes"
	"context"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Endpoint is how the source appears in evidence and in the source's status.
const Endpoint = "dsregcmd /status (pasted)"

// SkipReason is the skip reason of the dsregcmd source when the operator gave no output.
const SkipReason = "no dsregcmd /status output was given (use --dsregcmd FILE, or paste it in the TUI)"

// Reader is the facts.Reader of the device's own view: it settles facts.SrcDsregcmd from a paste.
// Parsed, when set, is used as is (the TUI parses the paste to give immediate feedback); otherwise
// Text is parsed. With neither, the source is skipped, and with it every device.* check.
type Reader struct {
	Text   []byte
	Parsed *facts.Dsregcmd
}

// Read sends the one delta of facts.SrcDsregcmd: the parsed output, an error when Text does not parse,
// or a skip when nothing was given. The delta's error never quotes the paste.
func (r Reader) Read(ctx context.Context, _ facts.Target, out chan<- facts.Delta) {
	d := facts.Delta{Source: facts.SrcDsregcmd, Endpoint: Endpoint}
	switch {
	case r.Parsed != nil:
		parsed := r.Parsed
		d.Apply = func(f *facts.Facts) { f.Dsregcmd = parsed }
	case len(bytes.TrimSpace(r.Text)) == 0:
		d.Skip = SkipReason
	default:
		parsed, err := Parse(bytes.NewReader(r.Text))
		if err != nil {
			d.Err = err
		} else {
			d.Apply = func(f *facts.Facts) { f.Dsregcmd = parsed }
		}
	}
	select {
	case out <- d:
	case <-ctx.Done():
	}
}

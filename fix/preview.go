package fix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// Preview writes the plan as the operator confirms it: what it does, whether it can be undone, the
// permissions it needs, then every request with its method, URL and body, exactly as sent.
func Preview(w io.Writer, p *Plan) error {
	var b strings.Builder
	who := p.User
	if p.Subject != "" {
		who = p.Subject
		if p.User != "" {
			who += " (" + p.User + ")"
		}
	}
	fmt.Fprintf(&b, "%s: %s\n", p.Fix, p.Title)
	if who != "" {
		fmt.Fprintf(&b, "  for %s\n", who)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	if p.Confirm != "" {
		fmt.Fprintf(&b, "  to confirm: type the device's name, %s (yes alone, or --yes, is not enough)\n", p.Confirm)
	}
	for _, c := range p.Cannot {
		fmt.Fprintf(&b, "  cannot undo: %s\n", c)
	}
	if p.Guided() {
		b.WriteString("  Graph cannot do this: publish the record below at your DNS host.\n")
		for _, g := range p.Guidance {
			fmt.Fprintf(&b, "    %s\n", g)
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	undo := "yes: mdmdoctor undo reverts it"
	if !p.Reversible {
		undo = "NO: it cannot be undone"
	}
	if p.Undoes != "" {
		undo = "it reverts " + p.Undoes
	}
	fmt.Fprintf(&b, "  reversible: %s\n", undo)
	if len(p.Permissions) > 0 {
		fmt.Fprintf(&b, "  needs: %s\n", strings.Join(p.Permissions, ", "))
	}
	fmt.Fprintf(&b, "  %d request%s:\n", len(p.Requests), plural(len(p.Requests)))
	for i, r := range p.Requests {
		fmt.Fprintf(&b, "  %d. %s %s\n", i+1, r.Method(), checks.Printable(r.URL()))
		if body := checks.Printable(Indent(r.Body)); body != "" {
			for _, l := range strings.Split(body, "\n") {
				fmt.Fprintf(&b, "       %s\n", l)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Indent formats a JSON body for reading; the raw text when it is not JSON.
func Indent(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

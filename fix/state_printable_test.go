package fix

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/graph"
)

// TestGraphTextInErrorsIsPrintable: Graph's error message and a changed value quoted in a refusal
// reach the terminal and the journal; their escapes, C1 and bidi controls are shown, not obeyed.
func TestGraphTextInErrorsIsPrintable(t *testing.T) {
	said := graphSaid(graph.Response{Status: 400, Body: []byte(`{"error":{"code":"Request_BadRequest","message":"Group 'Sales\u001b]52;c;aGk=\u0007\u202e' is invalid"}}`)})
	changed := show(json.RawMessage("\"https://enroll.contoso.com/\u202eexe.svc\u009b\""))
	for _, s := range []string{said, changed} {
		if strings.ContainsAny(s, "\x1b\x07\u202e\u009b") {
			t.Errorf("control characters reach the output: %q", s)
		}
	}
	if !strings.Contains(said, `Sales\x1b]52;c;aGk=\x07\u202e'`) || !strings.Contains(changed, `\u202eexe.svc\x9b`) {
		t.Errorf("the escapes are not shown: %q, %q", said, changed)
	}
}

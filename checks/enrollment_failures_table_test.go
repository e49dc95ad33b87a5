package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The user's failures come as a table (time, category, reason, correlation id), newest first, each
// reason that names a code or a known message decoded through the error catalog.
func TestEnrollmentFailuresTable(t *testing.T) {
	const me = "u-carol@contoso.com"
	f := devFacts("carol@contoso.com")
	f.User.ID = me
	f.Troubleshooting = []facts.TroubleshootingEvent{
		enrFailureEvent("e-old", me, 3, "authorization", "This account is not allowed on this phone."),
		enrFailureEvent("e-new", me, 1, "deviceNotSupported", "There was a problem. Your organization does not support this version of Windows. (0x80180014)"),
		enrFailureEvent("e-plain", me, 2, "clientDisconnected", "Timed out"),
		enrFailureEvent("e-other", "u-dave@contoso.com", 1, "authentication", "not Carol's"),
	}
	r := devJudge(t, "enrollment.failures", f)
	tb := r.Table
	if tb == nil || strings.Join(tb.Columns, ",") != "Time,Category,Reason,Correlation ID" || len(tb.Rows) != 3 {
		t.Fatalf("table %+v", tb)
	}
	for i, want := range []struct{ corr, category, decoded string }{
		{"corr-e-new", "deviceNotSupported", "[0x80180014 MENROLL_E_DEVICENOTSUPPORTED: Your organization does not support this version of Windows]"},
		{"corr-e-plain", "clientDisconnected", ""},
		{"corr-e-old", "authorization", "[This account is not allowed on this phone]"},
	} {
		row := tb.Rows[i]
		if row[3] != want.corr || row[1] != want.category || !strings.HasSuffix(row[0], " UTC") || !strings.HasSuffix(row[2], want.decoded) {
			t.Errorf("row %d: %q, want %+v", i, row, want)
		}
		if want.decoded == "" && strings.Contains(row[2], "[") {
			t.Errorf("row %d decoded a reason that names nothing: %q", i, row[2])
		}
	}
}

// A reason from Graph is data: it reaches the table printable.
func TestEnrollmentFailuresTableIsPrintable(t *testing.T) {
	f := devFacts("carol@contoso.com")
	f.User.ID = "u-1"
	f.Troubleshooting = []facts.TroubleshootingEvent{enrFailureEvent("e", "u-1", 1, "badRequest", "bad\x1b[2Jreason")}
	if got := devJudge(t, "enrollment.failures", f).Table.Rows[0][2]; strings.Contains(got, "\x1b") {
		t.Fatalf("row %q", got)
	}
}

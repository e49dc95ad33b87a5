package checks

import "testing"

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"CAROL-LT":                       "CAROL-LT",
		"line one\nline two\tend":        "line one\nline two\tend",
		"CAROL\x1b]0;owned\x07\x1b[2J\r": `CAROL\x1b]0;owned\x07\x1b[2J\x0d`,
		"DEL\x7f C1\u009b":               `DEL\x7f C1\x9b`,
		"abc\u202etxt.exe":               `abc\u202etxt.exe`,
		"bad\xffutf8":                    "bad\uFFFDutf8",
		"Bücher ✓":                       "Bücher ✓",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResultsArePrintable(t *testing.T) {
	r := Result{Summary: "device \x1b[31mRED", Evidence: []Evidence{{Source: "GET /devices", Detail: "name \x1b]52;c;x\x07"}},
		Fixes: []Fix{{Title: "delete \x1b[2J"}}}
	r.Normalize()
	for _, s := range []string{r.Summary, r.Evidence[0].Detail, r.Fixes[0].Title} {
		for _, c := range s {
			if c == 0x1b || c == 0x07 {
				t.Errorf("%q still holds %U", s, c)
			}
		}
	}
}

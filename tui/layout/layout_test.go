package layout

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestFitCutsAndPads(t *testing.T) {
	got := Fit("short\n"+strings.Repeat("x", 30)+"\nthird\nfourth", 10, 3)
	want := "short\nxxxxxxxxx…\nthird"
	if got != want {
		t.Fatalf("Fit = %q, want %q", got, want)
	}
	if got := Fit("one", 10, 3); got != "one\n\n" {
		t.Fatalf("Fit pads to %q", got)
	}
	styled := lipgloss.NewStyle().Bold(true).Render(strings.Repeat("é", 20))
	if w := ansi.StringWidth(Fit(styled, 8, 1)); w != 8 {
		t.Fatalf("styled line cut to %d cells, want 8", w)
	}
}

func TestWrapKeepsHostNamesWhole(t *testing.T) {
	text := "Point EnterpriseEnrollment.contoso.com at enterpriseenrollment-s.manage.microsoft.com now"
	for _, w := range []int{50, 60, 80} {
		lines := Wrap(text, w, "  ")
		joined := strings.Join(lines, "\n")
		if !strings.Contains(joined, "enterpriseenrollment-s.manage.microsoft.com") {
			t.Errorf("width %d broke the host name:\n%s", w, joined)
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w || !strings.HasPrefix(l, "  ") {
				t.Errorf("width %d: line %q too wide or not indented", w, l)
			}
		}
	}
}

func TestWrapSplitsLongPathsAtSlashes(t *testing.T) {
	url := "https://learn.microsoft.com/en-us/intune/intune-service/enrollment/windows-enroll"
	lines := Wrap(url, 30, "")
	if strings.Join(lines, "") != url {
		t.Fatalf("pieces do not rebuild the URL: %q", lines)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasSuffix(l, "/") || ansi.StringWidth(l) > 30 {
			t.Fatalf("piece %q not cut after a slash within 30 cells", l)
		}
	}
	// No slash to cut at: a hard cut, still within the width.
	for _, l := range Wrap(strings.Repeat("A", 25), 10, "") {
		if ansi.StringWidth(l) > 10 {
			t.Fatalf("hard cut piece %q too wide", l)
		}
	}
}

func TestHangIndentsFollowingLines(t *testing.T) {
	lines := Hang("one two three four five six seven", 16, "  • ", "    ")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "  • one") || !strings.HasPrefix(lines[1], "    ") {
		t.Fatalf("Hang = %q", lines)
	}
}

func TestWindowKeepsCursorInView(t *testing.T) {
	tests := []struct{ cursor, offset, height, n, want int }{
		{0, 0, 5, 3, 0},
		{7, 0, 5, 20, 3},
		{2, 3, 5, 20, 2},
		{4, 3, 5, 20, 3},
		{19, 0, 5, 20, 15},
		{10, 18, 5, 20, 10},
	}
	for _, tt := range tests {
		if got := Window(tt.cursor, tt.offset, tt.height, tt.n); got != tt.want {
			t.Errorf("Window(%d, %d, %d, %d) = %d, want %d", tt.cursor, tt.offset, tt.height, tt.n, got, tt.want)
		}
	}
}

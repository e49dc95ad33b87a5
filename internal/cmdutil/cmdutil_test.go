package cmdutil

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestNumbersLast(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"explain", "-2145910764", "--format", "json"}, []string{"explain", "--format", "json", "--", "-2145910764"}},
		{[]string{"explain", "0x80180014"}, []string{"explain", "0x80180014", "--"}},
		{[]string{"check", "-1"}, []string{"check", "-1"}},
		{nil, nil},
	} {
		if got := NumbersLast(tc.in, "explain"); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestFlagErrorNearest: the nearest flag, nearest first, and no guess when nothing is near.
func TestFlagErrorNearest(t *testing.T) {
	cmd := &cobra.Command{Use: "tool"}
	for _, f := range []string{"tenant", "tenant-id", "user", "dry-run"} {
		cmd.Flags().String(f, "", "")
	}
	for typed, want := range map[string]string{
		"unknown flag: --tenant-i":             "did you mean --tenant-id?",
		"unknown flag: --usr":                  "did you mean --user?",
		"unknown shorthand flag: 'u' in -user": "long flags take two dashes, --user;",
		"unknown flag: --zzzzzz":               "unknown flag --zzzzzz: run 'tool --help' for the flags",
		"flag needs an argument: --user":       "flag needs an argument: --user: run 'tool --help'",
		"unknown flag: --dr":                   "did you mean --dry-run?",
	} {
		if got := FlagError(cmd, errors.New(typed)).Error(); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", typed, got, want)
		}
	}
}

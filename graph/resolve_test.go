package graph_test

import (
	"context"
	"testing"
)

func TestResolveDevice(t *testing.T) {
	_, c := demo(t, "contoso")
	for _, tc := range []struct {
		input string
		want  string
	}{
		{"CAROL-LT", "carol@contoso.com"},
		{"carol-lt", "carol@contoso.com"},
	} {
		got, err := c.ResolveDevice(context.Background(), tc.input)
		if err != nil {
			t.Fatalf("%s: %v", tc.input, err)
		}
		if len(got) == 0 || got[0].UPN != tc.want {
			t.Errorf("%s: got %+v, want owner %s", tc.input, got, tc.want)
		}
	}
	got, err := c.ResolveDevice(context.Background(), "NO-SUCH-PC")
	if err != nil || len(got) != 0 {
		t.Errorf("unknown device: %+v, %v", got, err)
	}
	// A quote in the name must be escaped in the filter, not break it.
	if _, err := c.ResolveDevice(context.Background(), "O'Brien's PC"); err != nil {
		t.Errorf("quoted name: %v", err)
	}
}

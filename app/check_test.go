package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckOptionsValidate: a run that cannot be done is refused before anything starts, with what to type.
func TestCheckOptionsValidate(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.csv")
	if err := os.WriteFile(existing, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		o    CheckOptions
		c    Config
		want string
	}{
		{CheckOptions{User: "a@contoso.com", Tenant: true}, Config{}, "either --user UPN or --tenant"},
		{CheckOptions{Tenant: true, Path: "join"}, Config{}, "--path says how one user's device enrolls"},
		{CheckOptions{User: "a@contoso.com", Path: "usb"}, Config{}, "unknown enrollment path"},
		{CheckOptions{Tenant: true, ReportOptions: ReportOptions{Error: "0x80180014"}}, Config{}, "--error ranks"},
		{CheckOptions{User: "a@contoso.com", Export: "x.csv"}, Config{}, "add --tenant"},
		{CheckOptions{Tenant: true}, Config{Dsregcmd: "-"}, "--dsregcmd goes with --user"},
		{CheckOptions{Tenant: true, Export: filepath.Join(dir, "x.txt")}, Config{}, "name a .csv or a .json file"},
		{CheckOptions{Tenant: true, Export: existing}, Config{}, "add --force"},
		{CheckOptions{}, Config{}, "missing --user UPN"},
		{CheckOptions{User: "a@contoso.com", ReportOptions: ReportOptions{Error: "no code here"}}, Config{}, "no enrollment error code, event or known message found"},
		{CheckOptions{Tenant: true, Export: existing, Force: true}, Config{}, ""},
		{CheckOptions{User: "a@contoso.com", Path: "join", ReportOptions: ReportOptions{Error: "0x80180014"}}, Config{}, ""},
	} {
		err := tc.o.Validate(&tc.c, true)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
	c := Config{Timeout: time.Minute}
	if err := (&CheckOptions{Tenant: true}).Validate(&c, false); err != nil || c.Timeout != TenantTimeout {
		t.Errorf("a walkthrough without --timeout: %v, timeout %v, want %v", err, c.Timeout, TenantTimeout)
	}
	if err := (&CheckOptions{Tenant: true}).Validate(&c, true); err != nil || c.Timeout != TenantTimeout {
		t.Errorf("with --timeout given the timeout changed: %v", c.Timeout)
	}
}

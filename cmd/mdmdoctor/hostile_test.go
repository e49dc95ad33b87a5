package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/app/apptest"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// hostile is what a name can carry to drive a terminal: ESC sequences (an OSC 52 clipboard write,
// a screen clear), a C1 control (CSI as one byte) and bidirectional overrides and isolates.
const hostile = "\x1b]52;c;ZWNobyBvd25lZA==\x07\x1b[2J\u009b31m\u202eevil\u2066\u0085"

// hostileNames gives every name of the tenant the hostile suffix: groups, devices, SKUs, policies,
// the tenant itself, enrollment failures. Ids and UPNs stay, so the tenant still resolves.
func hostileNames(tn *graphtest.Tenant) {
	tn.DisplayName += hostile
	names := []string{"displayName", "deviceName", "skuPartNumber", "managedDeviceName", "userDisplayName", "failureReason", "description", "model", "manufacturer"}
	for _, set := range [][]graphtest.Object{tn.Users, tn.Groups, tn.SubscribedSkus, tn.Devices, tn.ManagedDevices, tn.MobileDeviceManagementPolicies,
		tn.MobileAppManagementPolicies, tn.ConditionalAccessPolicies, tn.DeviceEnrollmentConfigurations, tn.TroubleshootingEvents, tn.DirectoryRoles} {
		for _, o := range set {
			for _, k := range names {
				if v, ok := o[k].(string); ok && v != "" {
					o[k] = v + hostile
				}
			}
		}
	}
}

// wantPrintable fails when text holds a character that would drive a terminal or disguise text.
func wantPrintable(t *testing.T, what, text string) {
	t.Helper()
	for _, r := range text {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("%s holds %U:\n%q", what, r, text)
			return
		}
	}
}

// TestHostileNamesEverywhere: a tenant whose every name carries terminal controls, through every
// output that shows Graph's text: reports, fix plans and dry runs, choice lists in errors, undo's
// journal titles, and the sweep's CSV cells.
func TestHostileNamesEverywhere(t *testing.T) {
	_, flags, env := fakeTenant(t, "contoso", func(tn *graphtest.Tenant) {
		apptest.AsGlobalAdmin(tn)
		hostileNames(tn)
	})
	state := t.TempDir()
	csv := filepath.Join(t.TempDir(), "sweep.csv")
	for _, args := range [][]string{
		{"check", "--user", "bob@contoso.com"},
		{"check", "--user", "carol@contoso.com", "--format", "markdown"},
		{"check", "--tenant", "--export", csv},
		{"fix", "scope.mdm.add-user-to-group", "--user", "bob@contoso.com", "--dry-run"},
		{"fix", "scope.mdm.add-user-to-group", "--user", "bob@contoso.com", "--group", "nope", "--dry-run"},
		{"fix", "license.assign", "--user", "bob@contoso.com", "--sku", "nope", "--dry-run"},
		{"fix", "devices.duplicates.disable-stale", "--user", "carol@contoso.com", "--yes"},
		{"undo", "--list"},
		{"undo", "--yes"},
	} {
		r := runWith(t, state, env, "", append(args, flags...)...)
		if r.stdout+r.stderr == "" {
			t.Errorf("%v: no output", args)
		}
		wantPrintable(t, strings.Join(args, " ")+" stdout", r.stdout)
		wantPrintable(t, strings.Join(args, " ")+" stderr", r.stderr)
		if args[0] == "fix" && args[1] == "devices.duplicates.disable-stale" && (r.code != 0 || !strings.Contains(r.stdout, `CAROL-LT\x1b]52;c;`)) {
			t.Errorf("disable-stale on the hostile tenant: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		if args[0] == "undo" && args[1] == "--list" && !strings.Contains(r.stdout, "devices.duplicates.disable-stale") {
			t.Errorf("undo --list:\n%s", r.stdout)
		}
	}
	b, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	wantPrintable(t, "the CSV export", string(b))
	if !strings.Contains(string(b), `\x1b]52`) {
		t.Errorf("the CSV export does not show the names' escapes:\n%s", b)
	}
}

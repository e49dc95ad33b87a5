package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/app/apptest"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// TestDeleteNeedsTheTypedNameEvenWithYes: carol's stale record has a BitLocker key escrowed (the
// published sample's); --yes does not stand in for typing the device's name, so nothing is sent.
func TestDeleteNeedsTheTypedNameEvenWithYes(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/realworld/graph/bitlocker-list-recoverykeys-filter-deviceid.v1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	srv, flags, env := fakeTenant(t, "contoso", func(tn *graphtest.Tenant) {
		apptest.AsGlobalAdmin(tn)
		for _, d := range tn.Devices {
			if d.ID() == "bddbcba3-9d08-444c-8520-91153c0b5749" {
				d["accountEnabled"] = false
				d["deviceId"] = "1ab40ab2-32a8-4b00-b6b5-ba724e407de9"
			}
		}
		tn.BitlockerRecoveryKeys = append(tn.BitlockerRecoveryKeys, sampleKey(t, raw))
	})
	srv.ResetRequests()
	r := runWith(t, t.TempDir(), env, "", append([]string{"fix", "devices.duplicates.delete-stale", "--user", "carol@contoso.com", "--yes"}, flags...)...)
	if r.code != 2 || !strings.Contains(r.stderr, "refusing to delete CAROL-LT without its name typed on a terminal") ||
		!strings.Contains(r.stdout, "1 BitLocker recovery key escrowed to this record: b465e4e8-e4e8-b465-e8e4-65b4e8e465b4") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if w := apptest.SentWrites(srv); len(w) != 0 {
		t.Errorf("sent %v", w)
	}
}

// TestUndoCommandAndList: the printed undo command reaches the same tenant, undo --list shows the
// run, and undo without an ID reverts it.
func TestUndoCommandAndList(t *testing.T) {
	srv, flags, env := fakeTenant(t, "contoso", nil)
	state := t.TempDir()
	r := runWith(t, state, env, "", append([]string{"fix", "scope.mdm.add-user-to-group", "--user", "bob@contoso.com", "--yes"}, flags...)...)
	runs := apptest.Journal(t, filepath.Join(state, "mdmdoctor"))
	if r.code != 0 || len(runs) != 1 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	want := "Undo with: mdmdoctor undo " + runs[0].ID + " --tenant-id 11111111-1111-4111-8111-111111111111 --graph-url " + srv.URL()
	if !strings.Contains(r.stdout, want) {
		t.Errorf("want %q in\n%s", want, r.stdout)
	}
	r = runWith(t, state, env, "", "undo", "--list")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[1], runs[0].ID) || !strings.Contains(lines[1], "admin@contoso.com") ||
		!strings.Contains(lines[1], "scope.mdm.add-user-to-group") || !strings.HasSuffix(lines[1], "yes") {
		t.Errorf("undo --list: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runWith(t, state, env, "", append([]string{"undo", "--yes"}, flags...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "Revert: Add the user to the included group") {
		t.Errorf("undo: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestDebugLogIsPrivateAndNoSymlink: --debug FILE refuses a symlink and leaves the file 0600.
func TestDebugLogIsPrivateAndNoSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "debug.log")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	r := runWith(t, t.TempDir(), nil, "", "check", "--demo", "--user", "alice@contoso.com", "--debug", link)
	if r.code != 2 || !strings.Contains(r.stderr, "symbolic link") {
		t.Errorf("--debug through a symlink: exit %d %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(target); len(b) != 0 {
		t.Error("the link's target was written")
	}
	loose := filepath.Join(dir, "loose.log")
	if err := os.WriteFile(loose, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	runWith(t, t.TempDir(), nil, "", "check", "--demo", "--user", "alice@contoso.com", "--debug", loose)
	if fi, err := os.Stat(loose); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("debug log mode %v %v", fi.Mode().Perm(), err)
	}
}

// sampleKey is the one key of Microsoft's published BitLocker list sample.
func sampleKey(t *testing.T, raw []byte) graphtest.Object {
	t.Helper()
	var body struct {
		Value []graphtest.Object `json:"value"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || len(body.Value) != 1 {
		t.Fatalf("sample: %v", err)
	}
	return body.Value[0]
}

// TestFixRechecksThePaste: with --dsregcmd, the device.* checks of the paste run again after the
// fix, and the one about the record just deleted neither asks to delete it again nor to reconnect.
func TestFixRechecksThePaste(t *testing.T) {
	_, flags, env := fakeTenant(t, "contoso", func(tn *graphtest.Tenant) {
		apptest.AsGlobalAdmin(tn)
		carolStaleDisabled(tn)
	})
	paste := filepath.Join("..", "..", "testdata", "dsregcmd", "demo-carol-duplicate.txt")
	r := runWith(t, t.TempDir(), env, "", append([]string{"fix", "devices.duplicates.delete-stale", "--user", "carol@contoso.com", "--dsregcmd", paste, "--yes"}, flags...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "Applied.") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var line string
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.Contains(l, " device.record ") {
			line = l
		}
	}
	if !strings.Contains(line, "was just deleted by devices.duplicates.delete-stale") {
		t.Errorf("device.record after the delete: %q\n%s", line, r.stdout)
	}
}

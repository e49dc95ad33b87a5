package graph_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// Issue 13 item 10: an unknown UPN gave nine errors and a pass; the user is checked first, once.
func TestCheckUser(t *testing.T) {
	srv, c := demo(t, "contoso")
	ctx := context.Background()
	err := c.CheckUser(ctx, "nobody@contoso.com")
	var nu *graph.NoUserError
	if !errors.As(err, &nu) || err.Error() != "no user nobody@contoso.com in tenant Contoso (11111111-1111-4111-8111-111111111111): "+
		"check the spelling of the user principal name, or sign in to the user's own tenant" {
		t.Fatalf("unknown user: %v", err)
	}
	if err := c.CheckUser(ctx, "alice@contoso.com"); err != nil {
		t.Fatalf("alice: %v", err)
	}
	// Not allowed to read users: the run's own reads say so, source by source.
	srv.Inject(graphtest.Fault{Path: "/v1.0/users/*", Status: http.StatusForbidden})
	if err := c.CheckUser(ctx, "nobody@contoso.com"); err != nil {
		t.Fatalf("forbidden: %v, want nil", err)
	}
}

// Issue 13 item 7: with an opaque token the tenant id stayed unknown and device.tenant passed on the
// tenant's name; the id now comes from GET /organization.
func TestReadTenantIDFromOrganization(t *testing.T) {
	srv, _ := demo(t, "contoso")
	srv.AllowToken("EwBwA8l6BAAU-opaque")
	f, _ := read(t, client(t, srv, "EwBwA8l6BAAU-opaque"), "alice@contoso.com")
	if f.Target.TenantID != "11111111-1111-4111-8111-111111111111" {
		t.Fatalf("tenant id = %q, want Contoso's from /organization", f.Target.TenantID)
	}
}

// readWithPaste reads upn's facts with a pasted dsregcmd output, whose DeviceIds are looked up.
func readWithPaste(t *testing.T, c *graph.Client, upn string, text []byte) *facts.Facts {
	t.Helper()
	paste, err := dsregcmd.Parse(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	target := facts.Target{Kind: facts.TargetUser, User: upn, DeviceIDs: paste.DeviceIDs()}
	f := facts.New("public", target, time.Now())
	for d := range facts.Gather(context.Background(), target, c, dsregcmd.Reader{Parsed: paste}) {
		f.Apply(d)
	}
	return f
}

// Issue 13 item 8: a DeviceId recorded under another user read as "no Entra device record"; the pasted
// ids are now looked up tenant-wide, and device.record says whose device it is.
func TestDeviceRecordOfAnotherUser(t *testing.T) {
	_, c := demo(t, "contoso")
	text, err := os.ReadFile("../testdata/dsregcmd/joined.txt")
	if err != nil {
		t.Fatal(err)
	}
	// ALICE-LT's DeviceId, pasted in carol's triage.
	text = bytes.ReplaceAll(text, []byte("6a2f3c1e-4b5d-4e7f-9a1b-2c3d4e5f6a71"), []byte("b98e3b09-5523-4d0c-9444-dadb2eda9ebb"))
	f := readWithPaste(t, c, "carol@contoso.com", text)
	if l := f.DeviceLookup; l == nil || len(l.Devices) != 1 || l.Devices[0].DisplayName != "ALICE-LT" ||
		strings.Join(l.Devices[0].OwnerUPNs, ",") != "alice@contoso.com" {
		t.Fatalf("lookup = %+v", f.DeviceLookup)
	}
	for _, ch := range checks.Catalog() {
		if ch.ID != "device.record" {
			continue
		}
		r := checks.Evaluate(ch, f)[0]
		if r.Status != checks.Warn || !strings.Contains(r.Summary, `"ALICE-LT"`) || !strings.Contains(r.Summary, "belongs to alice@contoso.com") {
			t.Fatalf("device.record = %v: %s", r.Status, r.Summary)
		}
		return
	}
	t.Fatal("no device.record check")
}

// TestDeviceLookupsNamedOnce: the two DeviceIds of carol's paste are two lookups of /devices; the
// evidence names the path once.
func TestDeviceLookupsNamedOnce(t *testing.T) {
	_, c := demo(t, "contoso")
	text, err := os.ReadFile("../testdata/dsregcmd/demo-carol-duplicate.txt")
	if err != nil {
		t.Fatal(err)
	}
	f := readWithPaste(t, c, "carol@contoso.com", text)
	if ids := f.Target.DeviceIDs; len(ids) != 2 {
		t.Fatalf("the paste names %v, want two DeviceIds", ids)
	}
	if ep := f.Status(facts.SrcUserDevices).Endpoint; ep != "GET /v1.0/users/carol@contoso.com/registeredDevices + /ownedDevices + /devices" {
		t.Errorf("endpoint %q", ep)
	}
}

// The sweep refuses a device without its deviceId (the documented List devices sample shows one
// without its id): no duplicate or stale verdict may rest on a record that cannot be told apart.
func TestSweepRefusesDeviceWithoutIDs(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.Update(func(tn *graphtest.Tenant) { delete(tn.Devices[0], "deviceId") })
	f := sweep(context.Background(), c)
	if st := f.Status(facts.SrcAllDevices); st.State != facts.Failed || !strings.Contains(st.Reason, "without its id or deviceId") {
		t.Fatalf("Entra devices: %v %q", st.State, st.Reason)
	}
}

package app

import (
	"context"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/app/apptest"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// TestGraphConfigFromSecrets: the secrets main read from the environment fill what no flag gave; a
// flag wins over them; the state directory goes to the sign-in record.
func TestGraphConfigFromSecrets(t *testing.T) {
	s := Secrets{AccessToken: "tok", TenantID: "env-tenant", ClientID: "env-client", ClientSecret: "s3cret",
		CertificatePath: "/certs/app.pem", CertificatePassword: "pw"}
	a := &App{cfg: Config{Cloud: "public", Auth: graph.AuthClientSecret, Secrets: s, StateDir: "/x/state/mdmdoctor"}}
	c := a.graphConfig(nil, nil)
	if c.TenantID != "env-tenant" || c.ClientID != "env-client" || c.ClientSecret != "s3cret" || c.CertificatePath != "/certs/app.pem" ||
		c.CertificatePassword != "pw" || c.AccessToken != "tok" || c.StateDir != "/x/state/mdmdoctor" || c.InMemory {
		t.Errorf("from the secrets: %+v", c)
	}
	a.cfg.TenantID, a.cfg.ClientID = "flag-tenant", "flag-client"
	if c := a.graphConfig(nil, nil); c.TenantID != "flag-tenant" || c.ClientID != "flag-client" {
		t.Errorf("the flags lost to the environment: %+v", c)
	}
}

// TestServedSessionSignsInAsTheOperator: a served session refuses every sign-in that would lend the
// operator the server's identity, never hands the server's secrets to Graph, and remembers no account.
func TestServedSessionSignsInAsTheOperator(t *testing.T) {
	for _, auth := range []graph.Auth{graph.AuthAzureCLI, graph.AuthClientSecret, graph.AuthCertificate, graph.AuthToken, graph.AuthBrowser} {
		c := Config{Cloud: "public", Auth: auth, Timeout: 1, DNSTimeout: 1, Served: true}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "device code") {
			t.Errorf("served --auth %s: %v, want a refusal naming device code sign-in", auth, err)
		}
	}
	a := &App{cfg: Config{Cloud: "public", Auth: graph.AuthDeviceCode, Served: true, StateDir: "/srv/state",
		Secrets: Secrets{AccessToken: "server-token", ClientSecret: "server-secret", TenantID: "server-tenant"}}}
	if err := a.cfg.Validate(); err == nil {
		t.Error("a zero timeout passed validation")
	}
	c := a.graphConfig(nil, nil)
	if c.AccessToken != "" || c.ClientSecret != "" || c.TenantID != "" || !c.InMemory {
		t.Errorf("served: %+v, want no server secret and the account in memory only", c)
	}
	if (Operator{SSHUser: "alice", KeyFingerprint: "SHA256:abc"}).String() != "ssh alice SHA256:abc" || (Operator{}).String() != "" {
		t.Error("Operator.String")
	}
}

// TestAppsSideBySide: two applications in one process, one per operator as the SSH server builds them:
// a fix applied through one is journaled in its own state directory, with its operator, and the other
// neither sees it nor shares its demo tenant.
func TestAppsSideBySide(t *testing.T) {
	ctx := context.Background()
	one, two := demoConfig(t), demoConfig(t)
	one.Operator = Operator{SSHUser: "alice", KeyFingerprint: "SHA256:one"}
	a, b := open(t, one), open(t, two)
	if a.JournalPath() == b.JournalPath() {
		t.Fatal("two applications share a journal")
	}
	bob := UserTarget("bob@contoso.com")
	d, err := a.Backend().DraftFix(ctx, bob, "scope.mdm.add-user-to-group")
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Plan(fix.Choices{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := a.Backend().ApplyFix(ctx, bob, p, nil, nil)
	if err != nil || out.Result != "applied" {
		t.Fatalf("apply: %+v %v", out, err)
	}
	runs := apptest.Journal(t, one.StateDir)
	if len(runs) != 1 || runs[0].Begin.Via != "ssh alice SHA256:one" || runs[0].Begin.Operator != "admin@contoso.com" {
		t.Fatalf("journal %+v", runs)
	}
	if runs := apptest.Journal(t, two.StateDir); len(runs) != 0 {
		t.Errorf("the other application's journal holds %d runs", len(runs))
	}
	// The other operator's demo tenant is untouched: bob is still outside the MDM scope there.
	if _, err := b.Backend().DraftFix(ctx, bob, "scope.mdm.add-user-to-group"); err != nil {
		t.Errorf("the other demo tenant changed: %v", err)
	}
	if _, err := a.Backend().DraftFix(ctx, bob, "scope.mdm.add-user-to-group"); err == nil {
		t.Error("the fix is still offered where it was applied")
	}
}

package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/app/apptest"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
	"github.com/mdmdoctor/mdmdoctor/tui"
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
	// Without --auth, the server's display chooses no browser for its operators; its token is refused.
	if err := (Config{Cloud: "public", DefaultAuth: graph.AuthToken, Timeout: 1, DNSTimeout: 1, Served: true}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "MDMDOCTOR_ACCESS_TOKEN") {
		t.Errorf("served with a token in the environment: %v", err)
	}
	for _, def := range []graph.Auth{graph.AuthBrowser, graph.AuthDeviceCode, ""} {
		c := Config{Cloud: "public", DefaultAuth: def, Timeout: 1, DNSTimeout: 1, Served: true}
		if err := c.Validate(); err != nil || (&App{cfg: c}).graphConfig(nil, nil).Auth != graph.AuthDeviceCode {
			t.Errorf("served, default %q: %v, sign-in %q, want device code", def, err, (&App{cfg: c}).graphConfig(nil, nil).Auth)
		}
	}
	if c := (Config{DefaultAuth: graph.AuthBrowser}); c.auth() != graph.AuthBrowser {
		t.Errorf("on the command line the environment's default is %q", c.auth())
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

// TestDrainWaitsForTheFixInFlight: a server ending a session drains it: Drain returns once the fix in
// flight is answered and journaled, and a fix asked for afterwards is refused with nothing sent.
func TestDrainWaitsForTheFixInFlight(t *testing.T) {
	ctx := context.Background()
	f := apptest.FakeTenant(t, "contoso", nil)
	f.Graph.Inject(graphtest.Fault{Method: "POST", Path: "/v1.0/users/*/assignLicense", Delay: 800 * time.Millisecond})
	a := tenantApp(t, f, false)
	bob := UserTarget("bob@contoso.com")
	d, err := a.Backend().DraftFix(ctx, bob, "license.assign")
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Plan(fix.Choices{})
	if err != nil {
		t.Fatal(err)
	}
	sent := make(chan struct{})
	go func() {
		for len(apptest.SentWrites(f.Graph)) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		close(sent)
	}()
	applied := make(chan error, 1)
	go func() {
		_, err := a.Backend().ApplyFix(ctx, bob, p, nil, nil)
		applied <- err
	}()
	<-sent
	if err := a.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-applied:
		if err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatal("Drain returned while the fix was still in flight")
	}
	if runs := apptest.Journal(t, a.cfg.StateDir); len(runs) != 1 || apptest.Outcomes(runs[0]) != "applied / applied" {
		t.Fatalf("journal %+v", runs)
	}
	f.Graph.ResetRequests()
	if _, err := a.Backend().ApplyFix(ctx, bob, p, nil, nil); err == nil || !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("a fix after Drain: %v", err)
	}
	if w := apptest.SentWrites(f.Graph); len(w) != 0 {
		t.Errorf("sent after Drain: %v", w)
	}
}

// TestSavesGoWhereMainOrTheServerSays: a local run saves in the home and working directory main read;
// a served session in its operator's own folder under the state directory, never the server's home or
// working directory.
func TestSavesGoWhereMainOrTheServerSays(t *testing.T) {
	c := Config{HomeDir: "/home/ann", WorkDir: "/home/ann/tickets", StateDir: "/srv/state"}
	if f := (&App{cfg: c}).TUIOptions(TUIOptions{}).Files; f != (tui.Files{Dir: "/home/ann/tickets", Home: "/home/ann"}) {
		t.Errorf("local: %+v", f)
	}
	c.Served, c.Operator = true, Operator{SSHUser: "alice", KeyFingerprint: "SHA256:ab+c/d="}
	want := tui.Files{Dir: filepath.Join("/srv/state", "served", "SHA256_ab-c_d_"), Served: true}
	if f := (&App{cfg: c}).TUIOptions(TUIOptions{}).Files; f != want {
		t.Errorf("served: %+v, want %+v", f, want)
	}
	if ServedDir("", "SHA256:x") != "" || ServedDir("/srv/state", "") != "" {
		t.Error("ServedDir without a state directory or a key")
	}
	if got := FromEnvironment(func(k string) string { return map[string]string{"HOME": "/home/ann"}[k] }).HomeDir; got != "/home/ann" {
		t.Errorf("home from the environment: %q", got)
	}
}

// TestUndoCommandReachesTheTenant: the TUI's outcome offers an undo command complete with the flags
// that reach the same tenant; a served session, whose operator has no shell on the server, offers the
// journal screen only.
func TestUndoCommandReachesTheTenant(t *testing.T) {
	c := Config{Demo: true, Cloud: "public"}
	undo := (&App{cfg: c}).TUIOptions(TUIOptions{}).UndoCommand
	if undo == nil {
		t.Fatal("no undo command outside serve")
	}
	if got := undo("20261125-180000-abcdef"); got != "mdmdoctor undo 20261125-180000-abcdef --demo" {
		t.Errorf("demo undo command: %q", got)
	}
	c = Config{Cloud: "usgov", TenantID: "contoso.us"}
	if got := (&App{cfg: c}).TUIOptions(TUIOptions{}).UndoCommand("r1"); got != "mdmdoctor undo r1 --tenant-id contoso.us --cloud usgov" {
		t.Errorf("tenant undo command: %q", got)
	}
	c.Served = true
	if (&App{cfg: c}).TUIOptions(TUIOptions{}).UndoCommand != nil {
		t.Error("a served session offers a shell command")
	}
}

// TestAuthCodeForwardNamesThisHost: outside serve, the forward command of --auth authcode names the
// host main read, not a placeholder; a served session keeps the server's own command.
func TestAuthCodeForwardNamesThisHost(t *testing.T) {
	c := Config{Cloud: "public", Auth: graph.AuthCode, HostName: "jump1.contoso.com"}
	if got := (&App{cfg: c}).graphConfig(nil, nil).ForwardCommand; got != "ssh -N -L 8400:localhost:8400 jump1.contoso.com" {
		t.Errorf("forward command %q", got)
	}
	c.RedirectPort = 8411
	if got := (&App{cfg: c}).graphConfig(nil, nil).ForwardCommand; got != "ssh -N -L 8411:localhost:8411 jump1.contoso.com" {
		t.Errorf("forward command on --redirect-port 8411: %q", got)
	}
	c.Served, c.ForwardCommand = true, "ssh -N -L 8402:localhost:8402 -p 2222 alice@jump"
	if got := (&App{cfg: c}).graphConfig(nil, nil).ForwardCommand; got != c.ForwardCommand {
		t.Errorf("served forward command %q", got)
	}
}

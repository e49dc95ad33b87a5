package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	mdmdoctor "github.com/mdmdoctor/mdmdoctor"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// env is the outside world of a run: Microsoft Graph and DNS for real, or the demo's loopback servers
// loaded with the embedded tenants and zones. Everything after it runs the same code either way.
type env struct {
	cfg     Config
	log     *slog.Logger
	dns     *dnsprobe.Prober
	dsreg   dsregcmd.Reader
	tenants []demoTenant // demo only
	mu      sync.Mutex   // guards client, set by the TUI's sign-in while readers may be asked for
	client  *graph.Client
	closers []func()
}

// demoTenant is one embedded scenario served by its own fake Graph.
type demoTenant struct {
	name    string
	domains []string
	users   []string
	client  *graph.Client
}

// openEnv prepares the sources a command needs: no Graph sign-in for the dns command.
func openEnv(ctx context.Context, c Config, s streams) (*env, error) {
	e := &env{cfg: c, log: slog.New(slog.DiscardHandler)}
	if c.Debug != "" {
		f, err := fix.OpenPrivate(c.Debug)
		if err != nil {
			return nil, usagef("cannot write the debug log %s: %v", c.Debug, err)
		}
		e.closers = append(e.closers, func() { _ = f.Close() })
		e.log = slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if c.Dsregcmd != "" {
		text, err := readDsregcmd(c.Dsregcmd, s)
		if err != nil {
			e.Close()
			return nil, err
		}
		e.dsreg = dsregcmd.Reader{Text: text}
	}
	var err error
	if c.Demo {
		err = e.openDemo(ctx)
	} else {
		err = e.openReal(ctx, s)
	}
	if err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func readDsregcmd(name string, s streams) ([]byte, error) {
	if name == "-" {
		b, err := dsregcmd.ReadAll(s.in)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		return b, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("cannot read --dsregcmd %s: %v; save the output of dsregcmd /status to a file, or pass - to read standard input", name, err)
	}
	defer f.Close()
	b, err := dsregcmd.ReadAll(f)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return b, nil
}

func (e *env) openReal(ctx context.Context, s streams) error {
	e.dns = &dnsprobe.Prober{Resolvers: e.cfg.Resolvers, QueryTimeout: e.cfg.DNSTimeout, Log: e.log}
	if e.cfg.Command == "dns" || e.cfg.Command == "tui" {
		// The TUI signs in on its own screen, where it can show the device code.
		return nil
	}
	return e.signIn(ctx, func(p graph.DeviceCodePrompt) { fmt.Fprintln(s.errOut, p.Message) })
}

// signIn signs in to Microsoft Graph, showing a device code through prompt when one is needed.
// A bearer token in MDMDOCTOR_ACCESS_TOKEN is used as is.
func (e *env) signIn(ctx context.Context, prompt func(graph.DeviceCodePrompt)) error {
	auth := graph.Auth(e.cfg.Auth)
	token := os.Getenv("MDMDOCTOR_ACCESS_TOKEN")
	if token != "" && auth == "" {
		auth = graph.AuthToken
	}
	if auth == "" {
		auth = defaultAuth()
	}
	client, err := graph.New(ctx, fromEnv(graph.Config{
		Cloud: graph.Cloud(e.cfg.Cloud), GraphURL: e.cfg.GraphURL, Auth: auth, TenantID: e.cfg.TenantID, ClientID: e.cfg.ClientID,
		AccessToken: token, Logger: e.log, Timeout: e.cfg.Timeout,
		DeviceCode: func(_ context.Context, p graph.DeviceCodePrompt) error {
			prompt(p)
			return nil
		},
	}))
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.client = client
	e.mu.Unlock()
	return nil
}

// defaultAuth is device code over SSH or without a display, where no browser can open; else browser.
func defaultAuth() graph.Auth {
	if os.Getenv("SSH_CONNECTION") != "" || os.Getenv("SSH_TTY") != "" || (os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" && runtime.GOOS == "linux") {
		return graph.AuthDeviceCode
	}
	return graph.AuthBrowser
}

// openDemo starts the demo's DNS server and one fake Graph per embedded tenant, all on loopback.
func (e *env) openDemo(ctx context.Context) error {
	zones, err := fs.Sub(mdmdoctor.Demo, "testdata/demo/zones")
	if err != nil {
		return fmt.Errorf("the demo zones are missing from this binary: %w", err)
	}
	srv, err := dnstest.Start(ctx, dnstest.Options{Zones: zones})
	if err != nil {
		return fmt.Errorf("could not start the demo DNS server on loopback: %w", err)
	}
	e.closers = append(e.closers, srv.Close)
	e.dns = &dnsprobe.Prober{Resolvers: []string{srv.Addr()}, AuthPort: srv.Port(), QueryTimeout: e.cfg.DNSTimeout, Log: e.log}
	if e.cfg.Command == "dns" {
		return nil
	}
	demo, err := fs.Sub(mdmdoctor.Demo, "testdata/demo")
	if err != nil {
		return fmt.Errorf("the demo tenants are missing from this binary: %w", err)
	}
	for _, name := range []string{"contoso", "fabrikam"} {
		t, err := graphtest.Load(demo, name+".json")
		if err != nil {
			return fmt.Errorf("could not load the demo tenant %s: %w", name, err)
		}
		gs, err := graphtest.NewServer(t)
		if err != nil {
			return err
		}
		e.closers = append(e.closers, gs.Close)
		client, err := graph.New(ctx, graph.Config{Cloud: graph.Cloud(e.cfg.Cloud), GraphURL: gs.URL(), Auth: graph.AuthToken, AccessToken: gs.Token(), Logger: e.log,
			Timeout: e.cfg.Timeout})
		if err != nil {
			return fmt.Errorf("could not reach the demo Graph: %w", err)
		}
		e.tenants = append(e.tenants, demoTenant{name: name, domains: demoDomains(t), users: demoUPNs(t), client: client})
	}
	return nil
}

// Readers returns the readers of a target: Graph (the demo tenant owning the user's domain), DNS and
// the pasted dsregcmd output.
func (e *env) Readers(t facts.Target) []facts.Reader {
	rs := []facts.Reader{e.dns}
	if t.Kind == facts.TargetDNS {
		return rs
	}
	if c := e.graphFor(t); c != nil {
		rs = append(rs, c)
	}
	// The TUI reads the device view from its own paste area.
	if t.Kind == facts.TargetUser && e.cfg.Command != "tui" {
		rs = append(rs, e.dsreg)
	}
	return rs
}

func (e *env) graphFor(t facts.Target) *graph.Client {
	e.mu.Lock()
	client := e.client
	e.mu.Unlock()
	if client != nil {
		return client
	}
	if d := e.demoTenantFor(t); d != nil {
		return d.client
	}
	return nil
}

// demoTenantFor is the demo tenant owning the domain of t's user (the first one for a target without
// a user), or nil outside the demo.
func (e *env) demoTenantFor(t facts.Target) *demoTenant {
	dom := ""
	if i := strings.LastIndex(t.User, "@"); i >= 0 {
		dom = strings.ToLower(t.User[i+1:])
	}
	for i, d := range e.tenants {
		for _, name := range d.domains {
			if strings.EqualFold(name, dom) {
				return &e.tenants[i]
			}
		}
	}
	if len(e.tenants) > 0 {
		return &e.tenants[0]
	}
	return nil
}

// checkUser makes sure the user of a triage exists before anything is read about them: an unknown
// UPN is said once, "no user X in tenant Y", instead of in every check.
func (e *env) checkUser(ctx context.Context, t facts.Target) error {
	c := e.graphFor(t)
	if c == nil {
		return nil
	}
	if e.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.cfg.Timeout)
		defer cancel()
	}
	var nu *graph.NoUserError
	if err := c.CheckUser(ctx, t.User); errors.As(err, &nu) {
		return usageError{nu.Error()}
	}
	return nil
}

// dsregDeviceIDs are the device ids of the --dsregcmd paste, which the Graph reader looks up
// tenant-wide; none when there is no paste or it does not parse (its own source says why).
func (e *env) dsregDeviceIDs() []string {
	if len(e.dsreg.Text) == 0 {
		return nil
	}
	d, err := dsregcmd.Parse(bytes.NewReader(e.dsreg.Text))
	if err != nil {
		return nil
	}
	return d.DeviceIDs()
}

// Now is the clock checks judge by.
func (e *env) Now() time.Time { return time.Now() }

// Close stops whatever the env started, newest first.
func (e *env) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// demoDomains lists a demo tenant's domains plus the UPN suffixes of its users (erin@contoso.local's
// suffix is no domain of the tenant, yet her requests belong to Contoso).
func demoDomains(t *graphtest.Tenant) []string {
	var out []string
	for _, d := range t.Domains {
		if id := d.ID(); id != "" {
			out = append(out, id)
		}
	}
	for _, upn := range demoUPNs(t) {
		out = append(out, upnDomainOf(upn))
	}
	return out
}

// demoUPNs lists a demo tenant's users but its operators.
func demoUPNs(t *graphtest.Tenant) []string {
	var out []string
	for _, u := range t.Users {
		if upn, ok := u["userPrincipalName"].(string); ok && upn != t.Operator.UserPrincipalName {
			out = append(out, upn)
		}
	}
	return out
}

// demoUsers lists the demo tenants' users, offered as suggestions on the target screen.
func (e *env) demoUsers() []string {
	var out []string
	for _, d := range e.tenants {
		out = append(out, d.users...)
	}
	return out
}

// resolveDevice finds the one user of a device named or with the serial number input, in the signed-in
// tenant (every demo tenant in the demo). Several owners or none are errors saying what to type instead.
func (e *env) resolveDevice(ctx context.Context, input string) (string, error) {
	var clients []*graph.Client
	e.mu.Lock()
	if e.client != nil {
		clients = append(clients, e.client)
	}
	e.mu.Unlock()
	for _, d := range e.tenants {
		clients = append(clients, d.client)
	}
	var found []graph.DeviceOwner
	for _, c := range clients {
		owners, err := c.ResolveDevice(ctx, input)
		if err != nil {
			return "", err
		}
		found = append(found, owners...)
	}
	upns := map[string]bool{}
	var list []string
	for _, o := range found {
		if !upns[strings.ToLower(o.UPN)] {
			upns[strings.ToLower(o.UPN)] = true
			list = append(list, fmt.Sprintf("%s (%s)", o.UPN, o.Where))
		}
	}
	switch len(list) {
	case 0:
		return "", fmt.Errorf("no device named %q or with that serial number in Intune or Entra ID: type the user's UPN instead", input)
	case 1:
		return found[0].UPN, nil
	}
	return "", fmt.Errorf("%q belongs to several users: %s; type the UPN of the one to check", input, strings.Join(list, ", "))
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	mdmdoctor "github.com/mdmdoctor/mdmdoctor"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// demoTenant is one embedded scenario served by its own fake Graph.
type demoTenant struct {
	name    string
	domains []string
	users   []string
	client  *graph.Client
}

// openDemo starts the demo's DNS server and one fake Graph per embedded tenant, all on loopback and
// all this application's own: every served session gets a demo tenant of its own to fix.
func (a *App) openDemo(ctx context.Context) error {
	zones, err := fs.Sub(mdmdoctor.Demo, "testdata/demo/zones")
	if err != nil {
		return fmt.Errorf("the demo zones are missing from this binary: %w", err)
	}
	srv, err := dnstest.Start(ctx, dnstest.Options{Zones: zones})
	if err != nil {
		return fmt.Errorf("could not start the demo DNS server on loopback: %w", err)
	}
	a.closers = append(a.closers, srv.Close)
	a.dns = &dnsprobe.Prober{Resolvers: []string{srv.Addr()}, AuthPort: srv.Port(), QueryTimeout: a.cfg.DNSTimeout,
		Log: a.log}
	if a.cfg.DNSOnly {
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
		a.closers = append(a.closers, gs.Close)
		client, err := graph.New(ctx, graph.Config{Cloud: graph.Cloud(a.cfg.Cloud), GraphURL: gs.URL(), Auth: graph.AuthToken,
			AccessToken: gs.Token(), Logger: a.log, Timeout: a.cfg.Timeout})
		if err != nil {
			return fmt.Errorf("could not reach the demo Graph: %w", err)
		}
		a.tenants = append(a.tenants, demoTenant{name: name, domains: demoDomains(t), users: demoUPNs(t), client: client})
	}
	return nil
}

// demoTenantFor is the demo tenant owning the domain of t's user (the first one for a target without
// a user), or nil outside the demo.
func (a *App) demoTenantFor(t facts.Target) *demoTenant {
	dom := ""
	if i := strings.LastIndex(t.User, "@"); i >= 0 {
		dom = strings.ToLower(t.User[i+1:])
	}
	for i, d := range a.tenants {
		for _, name := range d.domains {
			if strings.EqualFold(name, dom) {
				return &a.tenants[i]
			}
		}
	}
	if len(a.tenants) > 0 {
		return &a.tenants[0]
	}
	return nil
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

// DemoUsers lists the demo tenants' users, offered as suggestions on the target screen.
func (a *App) DemoUsers() []string {
	var out []string
	for _, d := range a.tenants {
		out = append(out, d.users...)
	}
	return out
}

// tenantClient picks the Graph client of the walkthrough. Signed in, it is the operator's tenant. In
// the demo, id (--tenant-id) picks a demo tenant by name, id or domain, Contoso by default.
func (a *App) tenantClient(ctx context.Context, id string) (*graph.Client, error) {
	a.mu.Lock()
	client := a.client
	a.mu.Unlock()
	if client != nil {
		return client, nil
	}
	if len(a.tenants) == 0 {
		return nil, errors.New("not signed in to Microsoft Graph")
	}
	if id == "" {
		return a.tenants[0].client, nil
	}
	var names []string
	for _, d := range a.tenants {
		tid, err := d.client.TenantID(ctx)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(id, d.name) || strings.EqualFold(id, tid) || containsFold(d.domains, id) {
			return d.client, nil
		}
		names = append(names, fmt.Sprintf("%s (%s)", d.name, tid))
	}
	return nil, fmt.Errorf("no demo tenant matches --tenant-id %s: use %s", id, strings.Join(names, " or "))
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// SignIn signs in to Microsoft Graph, showing a device code through prompt when one is needed (on
// Stderr when prompt is nil). The demo is signed in already.
func (a *App) SignIn(ctx context.Context, prompt func(facts.SignInPrompt)) error {
	if a.cfg.Demo || a.cfg.DNSOnly {
		return nil
	}
	if prompt == nil {
		prompt = func(p facts.SignInPrompt) { fmt.Fprintln(a.errOut, p.Message) }
	}
	client, err := graph.New(ctx, a.graphConfig(nil, prompt))
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.client = client
	a.mu.Unlock()
	return nil
}

// graphConfig is the real tenant's sign-in: the flags, then the secrets main read from the environment
// for what no flag gave (none in a served session, whose operators sign in as themselves). scopes
// replace the read scopes of a delegated sign-in.
func (a *App) graphConfig(scopes []string, prompt func(facts.SignInPrompt)) graph.Config {
	c := a.cfg
	g := graph.Config{
		Cloud: graph.Cloud(c.Cloud), GraphURL: c.GraphURL, Auth: c.auth(), TenantID: c.TenantID, ClientID: c.ClientID,
		Logger: a.log, Timeout: c.Timeout, Scopes: scopes, StateDir: c.StateDir, InMemory: c.Served,
		RedirectPort: c.RedirectPort, ForwardCommand: c.ForwardCommand,
		DeviceCode: func(_ context.Context, p facts.SignInPrompt) error {
			prompt(p)
			return nil
		},
	}
	if c.Served {
		return g
	}
	if g.ForwardCommand == "" {
		port := c.RedirectPort
		if port == 0 {
			port = graph.DefaultRedirectPort
		}
		g.ForwardCommand = graph.ForwardCommand(port, c.HostName, "")
	}
	s := c.Secrets
	if g.TenantID == "" {
		g.TenantID = s.TenantID
	}
	if g.ClientID == "" {
		g.ClientID = s.ClientID
	}
	g.AccessToken, g.ClientSecret = s.AccessToken, s.ClientSecret
	g.CertificatePath, g.CertificatePassword = s.CertificatePath, s.CertificatePassword
	return g
}

// writeClient returns a Graph client that may send a plan's writes. Delegated sign-in asks again with
// the fix's scopes added (incremental consent: Entra asks the operator to consent once, on the device
// code page or in the browser, and the remembered account makes it silent afterwards). A given token,
// the demo, the Azure CLI and app-only sign-in are used as they are.
func (a *App) writeClient(ctx context.Context, read *graph.Client, perms []string,
	prompt func(facts.SignInPrompt)) (*graph.Client, error) {
	if read == nil {
		return nil, errors.New("no Graph client: sign in first")
	}
	auth := a.graphConfig(nil, prompt).Auth
	delegated := auth == graph.AuthDeviceCode || auth == graph.AuthBrowser || auth == graph.AuthCode
	if a.cfg.Demo || !delegated || len(perms) == 0 {
		return read, nil
	}
	client, err := graph.New(ctx, a.graphConfig(append(graph.ReadScopes(), perms...), prompt))
	if err != nil {
		return nil, fmt.Errorf("could not sign in with the fix's permissions (%s), so nothing was sent: %w",
			strings.Join(perms, ", "), err)
	}
	return client, nil
}

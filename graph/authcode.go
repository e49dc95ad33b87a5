package graph

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// DefaultRedirectPort is the loopback port of --auth authcode when Config.RedirectPort is zero.
// Microsoft Entra ignores the port of an http://localhost redirect URI, so one registration of
// http://localhost serves every port:
// https://learn.microsoft.com/en-us/entra/identity-platform/reply-url#localhost-exceptions
const DefaultRedirectPort = 8400

// authCodeCredential signs in with the authorization code flow and PKCE (MSAL's interactive flow)
// without opening a browser: it shows the sign-in URL, and the redirect to http://localhost:PORT
// reaches this machine through the operator's SSH port forward. It is the way in where Conditional
// Access blocks the device code flow, as Microsoft recommends. Tokens stay in this process's memory.
type authCodeCredential struct {
	client public.Client
	port   int
	// show tells the operator the forward to open and the URL to visit.
	show func(ctx context.Context, p facts.SignInPrompt) error
	// forward is the exact ssh command the operator runs on their own machine.
	forward string

	mu      sync.Mutex
	account public.Account
}

// newAuthCodeCredential builds the credential for clientID at authority (the cloud's login host and
// the tenant). opts are MSAL's client options (the tests give an HTTP client).
func newAuthCodeCredential(authority, clientID string, port int, forward string,
	show func(context.Context, facts.SignInPrompt) error, opts ...public.Option) (*authCodeCredential, error) {
	client, err := public.New(clientID, append([]public.Option{public.WithAuthority(authority)}, opts...)...)
	if err != nil {
		return nil, err
	}
	if forward == "" {
		forward = ForwardCommand(port, "", "")
	}
	return &authCodeCredential{client: client, port: port, show: show, forward: forward}, nil
}

// ForwardCommand is the ssh command that forwards port on the operator's machine to the same port on
// the host where mdmdoctor runs: ssh -N -L PORT:localhost:PORT [-p SSHPORT] HOST. host defaults to
// "<this host>", for the operator to fill in.
func ForwardCommand(port int, host, sshPort string) string {
	if host == "" {
		host = "<this host>"
	}
	p := strconv.Itoa(port)
	cmd := "ssh -N -L " + p + ":localhost:" + p
	if sshPort != "" && sshPort != "22" {
		cmd += " -p " + sshPort
	}
	return cmd + " " + host
}

// GetToken implements azcore.TokenCredential: silently from the account signed in earlier, else
// interactively.
func (c *authCodeCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.account.HomeAccountID != "" {
		if res, err := c.client.AcquireTokenSilent(ctx, opts.Scopes, public.WithSilentAccount(c.account)); err == nil {
			return accessToken(res), nil
		}
	}
	redirect := "http://localhost:" + strconv.Itoa(c.port)
	res, err := c.client.AcquireTokenInteractive(ctx, opts.Scopes,
		public.WithRedirectURI(redirect),
		public.WithOpenURL(func(u string) error {
			return c.show(ctx, facts.SignInPrompt{
				Message: fmt.Sprintf("Sign in through an SSH port forward: on your own machine "+
					"run\n  %s\nthen open this address in your browser there:\n  %s", c.forward, u), VerificationURL: u,
			})
		}))
	if err != nil {
		var addrErr *net.OpError
		if errors.As(err, &addrErr) && addrErr.Op == "listen" {
			return azcore.AccessToken{},
				fmt.Errorf("cannot wait for the sign-in redirect on %s: %w (choose another --redirect-port)", redirect,
					err)
		}
		return azcore.AccessToken{}, err
	}
	c.account = res.Account
	return accessToken(res), nil
}

func accessToken(res public.AuthResult) azcore.AccessToken {
	return azcore.AccessToken{Token: res.AccessToken, ExpiresOn: res.ExpiresOn}
}

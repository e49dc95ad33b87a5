package graph

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Auth is how mdmdoctor signs in (--auth).
type Auth string

// Sign-in methods.
const (
	// AuthDeviceCode shows a code to enter at a URL on any device: the default over SSH.
	AuthDeviceCode Auth = "devicecode"
	// AuthBrowser opens the system browser on this machine.
	AuthBrowser Auth = "browser"
	// AuthCode is the authorization code flow with PKCE, without a browser on this machine: the
	// operator opens the sign-in URL on their own machine, whose SSH port forward carries the
	// redirect to http://localhost:RedirectPort here. For tenants that block the device code flow.
	AuthCode Auth = "authcode"
	// AuthAzureCLI reuses the account of an `az login` on this machine.
	AuthAzureCLI Auth = "azurecli"
	// AuthClientSecret signs in as an application (app-only) with AZURE_CLIENT_SECRET.
	AuthClientSecret Auth = "clientsecret"
	// AuthCertificate signs in as an application (app-only) with a certificate file.
	AuthCertificate Auth = "certificate"
	// AuthToken uses a ready bearer token (MDMDOCTOR_ACCESS_TOKEN) as is.
	AuthToken Auth = "token"
)

// DefaultClientID is the public client used for delegated sign-in when --client-id and
// AZURE_CLIENT_ID are unset: "Microsoft Graph Command Line Tools" (the client of Microsoft Graph
// PowerShell), which accepts dynamic consent to any delegated Graph scope. A tenant that blocks it
// needs its own app registration with "Allow public client flows" and the scopes of ReadScopes.
const DefaultClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// DefaultTimeout bounds each HTTP request when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config says how to reach and sign in to Microsoft Graph.
type Config struct {
	// Cloud picks the authority and the Graph root; public when empty.
	Cloud Cloud
	// GraphURL overrides the Graph root (no version), e.g. a proxy or the fake Graph. Tokens are
	// still asked for the cloud's Graph resource.
	GraphURL string
	// Auth is the sign-in method; devicecode when empty.
	Auth Auth
	// TenantID is the tenant to sign in to ("organizations" for delegated sign-in when empty).
	TenantID string
	// ClientID is the application to sign in as; DefaultClientID for delegated sign-in when empty.
	// App-only sign-in needs the tenant's own application.
	ClientID string
	// CertificatePath is the PEM or PKCS#12 file for AuthCertificate (main reads
	// AZURE_CLIENT_CERTIFICATE_PATH), CertificatePassword its password, if any
	// (AZURE_CLIENT_CERTIFICATE_PASSWORD).
	CertificatePath     string
	CertificatePassword string
	// ClientSecret is the secret for AuthClientSecret (main reads AZURE_CLIENT_SECRET; never a flag).
	ClientSecret string
	// AccessToken is the bearer token for AuthToken (the caller reads MDMDOCTOR_ACCESS_TOKEN).
	AccessToken string
	// DeviceCode receives the sign-in prompt (a device code, or the authorization code flow's URL), to
	// show in the TUI and on stderr. Sign-in fails when it returns an error.
	DeviceCode func(context.Context, facts.SignInPrompt) error
	// Logger receives one debug line per HTTP attempt (never a token); nil discards.
	Logger *slog.Logger
	// Timeout bounds each HTTP request; DefaultTimeout when zero. The run as a whole is bounded by
	// the context.
	Timeout time.Duration
	// Scopes replace ReadScopes for delegated sign-in (devicecode, browser), as permission names or
	// full scope URLs. The Azure CLI and app-only sign-in always ask for the resource's .default.
	Scopes []string
	// RedirectPort is the loopback port --auth authcode waits on (DefaultRedirectPort when zero).
	RedirectPort int
	// ForwardCommand is the ssh command shown for --auth authcode (ForwardCommand's form); main
	// builds it, knowing how the operator reaches this host.
	ForwardCommand string
	// StateDir is where the sign-in record lives ($XDG_STATE_HOME/mdmdoctor, found by main); device
	// code and browser sign-in need it.
	StateDir string
	// InMemory keeps the signed-in account in memory only, for a session served to a remote operator:
	// nothing is read from or written to StateDir.
	InMemory bool
}

// appOnly reports whether the sign-in method yields an application token.
func (a Auth) appOnly() bool { return a == AuthClientSecret || a == AuthCertificate }

func (c Config) validate() error {
	switch c.Auth {
	case AuthDeviceCode, AuthBrowser, AuthCode, AuthAzureCLI, AuthToken:
	case AuthClientSecret, AuthCertificate:
		if c.TenantID == "" || c.ClientID == "" {
			return fmt.Errorf("--auth %s signs in as an application: give --tenant-id and --client-id (or "+
				"AZURE_TENANT_ID and AZURE_CLIENT_ID)", c.Auth)
		}
		if c.Auth == AuthCertificate && c.CertificatePath == "" {
			return fmt.Errorf("--auth certificate needs a certificate file: set AZURE_CLIENT_CERTIFICATE_PATH")
		}
	default:
		return fmt.Errorf("unknown --auth %q: use devicecode, browser, authcode, azurecli, clientsecret or certificate",
			string(c.Auth))
	}
	if c.Auth == AuthToken && c.AccessToken == "" {
		return fmt.Errorf("no access token: set MDMDOCTOR_ACCESS_TOKEN or choose another --auth")
	}
	return nil
}

package app

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/clouds"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// Auths are the sign-in methods --auth accepts.
func Auths() []string {
	return []string{"devicecode", "browser", "authcode", "azurecli", "clientsecret", "certificate"}
}

// Config is everything one application is built from. The caller (main, or the SSH server) decides
// all of it once; nothing below reads the environment.
type Config struct {
	// Version names this build in reports and the TUI.
	Version string
	// Demo serves the embedded demo tenants and zones on loopback: no sign-in, no network.
	Demo bool
	// DNSOnly builds the DNS side alone (the dns command): no Graph, no demo tenant.
	DNSOnly bool
	// Cloud is public, usgov, usgovdod or china.
	Cloud string
	// GraphURL overrides the Graph root (no version): a proxy or a fake Graph on loopback.
	GraphURL string
	// Auth is the sign-in method (--auth); "" is DefaultAuth, or device code in a served session.
	Auth graph.Auth
	// DefaultAuth is the sign-in the environment suggests when --auth is not given (see the func DefaultAuth).
	DefaultAuth graph.Auth
	// TenantID and ClientID are --tenant-id and --client-id; the environment's values are in Secrets.
	TenantID, ClientID string
	// Secrets are the credentials main read from the environment.
	Secrets Secrets
	// Timeout bounds a run; DNSTimeout one DNS query.
	Timeout, DNSTimeout time.Duration
	// Resolvers replace the system resolvers (--resolver).
	Resolvers []string
	// ReadOnly turns every fix into a dry run.
	ReadOnly bool
	// Debug is the file of the structured debug log; "" writes none.
	Debug string
	// Dsregcmd is the file holding the device's dsregcmd /status output, "-" for Stdin, "" for none.
	Dsregcmd string
	// StateDir holds the journal, the recent targets and the remembered account ($XDG_STATE_HOME/mdmdoctor,
	// decided by main); "" when there is none: nothing is remembered, and a fix refuses to write.
	StateDir string
	// HomeDir and WorkDir are the operator's home and working directory on a local run, as main read
	// them: where the TUI saves a file name typed with ~/ or without a folder. A served session saves in
	// its operator's own directory under StateDir instead (ServedDir).
	HomeDir, WorkDir string
	// HostName is this host's name (main reads it once), shown in the port-forward command of --auth
	// authcode on a local run.
	HostName string
	// Served marks a session served to a remote operator (mdmdoctor serve): sign-in methods that would
	// lend every operator the server's own identity (Azure CLI, client secret, certificate, a token from
	// the environment) are refused, and the signed-in account is kept in memory only.
	Served bool
	// Operator is who runs the session when the sign-in alone does not say it (SSH user and key).
	Operator Operator
	// RedirectPort is the loopback port of --auth authcode (graph.DefaultRedirectPort when zero), and
	// ForwardCommand the ssh command shown to forward it (a served session's own, built by the server).
	RedirectPort   int
	ForwardCommand string
	// Stdin, Stdout and Stderr are the session's streams; nil reads nothing and discards.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Environ is the environment the TUI sees (TERM, NO_COLOR, SSH_CONNECTION).
	Environ []string
	// Now is the clock checks judge by; time.Now when nil.
	Now func() time.Time
}

// Secrets are the credentials of a real tenant's sign-in, read by main from the environment as azidentity
// names them, never from flags: the shell history and the process list would show them.
type Secrets struct {
	// AccessToken is a ready bearer token (MDMDOCTOR_ACCESS_TOKEN).
	AccessToken string
	// TenantID and ClientID are AZURE_TENANT_ID and AZURE_CLIENT_ID, used when no flag gave them.
	TenantID, ClientID string
	// ClientSecret is AZURE_CLIENT_SECRET.
	ClientSecret string
	// CertificatePath and CertificatePassword are AZURE_CLIENT_CERTIFICATE_PATH and ..._PASSWORD.
	CertificatePath, CertificatePassword string
}

// Operator names the person behind a served session, for the journal.
type Operator struct {
	// SSHUser is the name the operator connected as.
	SSHUser string
	// KeyFingerprint is the SHA256 fingerprint of the operator's public key.
	KeyFingerprint string
}

// String is the operator as journaled: "ssh alice SHA256:...", or "" when unknown.
func (o Operator) String() string {
	if o.SSHUser == "" && o.KeyFingerprint == "" {
		return ""
	}
	return strings.TrimSpace("ssh " + o.SSHUser + " " + o.KeyFingerprint)
}

// DefaultAuth is the sign-in method when --auth is not given: the token when one is given, device code
// over SSH or without a display (where no browser can open), else the browser.
func DefaultAuth(token string, ssh, display bool) graph.Auth {
	switch {
	case token != "":
		return graph.AuthToken
	case ssh || !display:
		return graph.AuthDeviceCode
	}
	return graph.AuthBrowser
}

// Validate checks the settings an operator typed; its errors say what to type instead.
func (c Config) Validate() error {
	if !slices.Contains(clouds.Names(), c.Cloud) {
		return clouds.Unknown(c.Cloud)
	}
	if c.Auth != "" && c.Auth != graph.AuthToken && !slices.Contains(Auths(), string(c.Auth)) {
		return fmt.Errorf("unknown sign-in method %q: use --auth %s", c.Auth, strings.Join(Auths(), ", "))
	}
	if c.Timeout <= 0 || c.DNSTimeout <= 0 {
		return errors.New("--timeout and --dns-timeout must be positive durations such as 30s or 2m")
	}
	// A served session's operators sign in as themselves, on a device of their own (no browser opens on
	// the server).
	if a := c.auth(); c.Served && !c.Demo && a != graph.AuthDeviceCode && a != graph.AuthCode {
		what := "--auth " + string(a)
		if c.Auth == "" {
			what = "the token in MDMDOCTOR_ACCESS_TOKEN"
		}
		return fmt.Errorf("a served session signs each operator in as themselves: %s would lend everyone this "+
			"server's identity or open a browser on it; use device code sign-in (or authcode)", what)
	}
	return nil
}

// auth is the sign-in method in effect: --auth, else the environment's default, else device code. A
// served session takes device code for a browser the server's display would open, but keeps a token from
// the environment, for Validate to refuse.
func (c Config) auth() graph.Auth {
	switch {
	case c.Auth != "":
		return c.Auth
	case c.DefaultAuth == graph.AuthToken || (!c.Served && c.DefaultAuth != ""):
		return c.DefaultAuth
	}
	return graph.AuthDeviceCode
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// ParseOnly reads --only: comma-separated check IDs, each one the catalog knows.
func ParseOnly(s string) ([]string, error) {
	var ids []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !slices.Contains(checks.IDs(), id) {
			return nil, fmt.Errorf("unknown check %q in --only: run 'mdmdoctor checks' for the list of IDs", id)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

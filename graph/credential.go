package graph

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// signIn is a credential and what sign-in needs to know about it.
type signIn struct {
	cred   azcore.TokenCredential
	scopes []string
	// interactive credentials can remember the account.
	authenticate func(context.Context, *policy.TokenRequestOptions) (azidentity.AuthenticationRecord, error)
	record       azidentity.AuthenticationRecord
	stateDir     string
}

// newSignIn builds the credential for cfg. resource is the cloud's Graph root (the token audience).
func newSignIn(cfg Config, resource string) (*signIn, error) {
	authority, err := cfg.Cloud.authority()
	if err != nil {
		return nil, err
	}
	opts := azcore.ClientOptions{Cloud: authority}
	s := &signIn{scopes: []string{resource + "/.default"}}
	switch cfg.Auth {
	case AuthToken:
		s.cred = staticToken(cfg.AccessToken)
	case AuthAzureCLI:
		// The Azure CLI hands out tokens for a resource: one .default scope.
		s.cred, err = azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: cfg.TenantID})
	case AuthClientSecret:
		if cfg.ClientSecret == "" {
			return nil, fmt.Errorf("--auth clientsecret reads the secret from AZURE_CLIENT_SECRET, which is empty")
		}
		s.cred, err = azidentity.NewClientSecretCredential(cfg.TenantID, cfg.ClientID, cfg.ClientSecret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: opts})
	case AuthCertificate:
		s.cred, err = certificateCredential(cfg, opts)
	case AuthDeviceCode, AuthBrowser:
		err = s.delegated(cfg, opts, resource)
	case AuthCode:
		err = s.authCode(cfg, authority.ActiveDirectoryAuthorityHost, resource)
	}
	if err != nil {
		return nil, fmt.Errorf("set up %s sign-in: %w", cfg.Auth, err)
	}
	return s, nil
}

// delegated sets up device code or browser sign-in, resuming the remembered account.
func (s *signIn) delegated(cfg Config, opts azcore.ClientOptions, resource string) error {
	clientID := cfg.ClientID
	if clientID == "" {
		clientID = DefaultClientID
	}
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = ReadScopes()
	}
	s.scopes = qualify(resource, scopes)
	if !cfg.InMemory {
		dir, err := stateDir(cfg.StateDir)
		if err != nil {
			return err
		}
		s.stateDir = dir
		if s.record, err = loadRecord(dir, clientID, cfg.TenantID); err != nil {
			return err
		}
	}
	if cfg.Auth == AuthBrowser {
		c, err := azidentity.NewInteractiveBrowserCredential(&azidentity.InteractiveBrowserCredentialOptions{
			ClientOptions: opts, ClientID: clientID, TenantID: cfg.TenantID, AuthenticationRecord: s.record,
		})
		if err != nil {
			return err
		}
		s.cred, s.authenticate = c, c.Authenticate
		return nil
	}
	prompt := cfg.DeviceCode
	c, err := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{
		ClientOptions: opts, ClientID: clientID, TenantID: cfg.TenantID, AuthenticationRecord: s.record,
		UserPrompt: func(ctx context.Context, m azidentity.DeviceCodeMessage) error {
			if prompt == nil {
				_, err := fmt.Fprintln(os.Stderr, m.Message)
				return err
			}
			return prompt(ctx, facts.SignInPrompt{Message: m.Message, UserCode: m.UserCode, VerificationURL: m.VerificationURL})
		},
	})
	if err != nil {
		return err
	}
	s.cred, s.authenticate = c, c.Authenticate
	return nil
}

// signInNow signs in interactively when no account is remembered, and remembers it. With a
// remembered account azidentity signs in on the first request, addressing that account.
func (s *signIn) signInNow(ctx context.Context) error {
	if s.authenticate == nil || s.record.HomeAccountID != "" {
		return nil
	}
	rec, err := s.authenticate(ctx, &policy.TokenRequestOptions{Scopes: s.scopes})
	if err != nil {
		return fmt.Errorf("sign-in failed: %w", explainSignIn(err))
	}
	s.record = rec
	if s.stateDir == "" {
		// --auth authcode, or InMemory: the account lives in this process's memory only.
		return nil
	}
	if err := saveRecord(s.stateDir, rec); err != nil {
		return fmt.Errorf("signed in, but could not remember the account: %w", err)
	}
	return nil
}

// authCode sets up the authorization code flow with PKCE (see authCodeCredential). Nothing is
// remembered on disk: a served session's tokens die with it.
func (s *signIn) authCode(cfg Config, loginHost, resource string) error {
	clientID, tenant := cfg.ClientID, cfg.TenantID
	if clientID == "" {
		clientID = DefaultClientID
	}
	if tenant == "" {
		tenant = "organizations"
	}
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = ReadScopes()
	}
	s.scopes = qualify(resource, scopes)
	port := cfg.RedirectPort
	if port == 0 {
		port = DefaultRedirectPort
	}
	show := cfg.DeviceCode
	if show == nil {
		show = func(_ context.Context, p facts.SignInPrompt) error {
			_, err := fmt.Fprintln(os.Stderr, p.Message)
			return err
		}
	}
	c, err := newAuthCodeCredential(strings.TrimSuffix(loginHost, "/")+"/"+tenant, clientID, port, cfg.ForwardCommand, show)
	if err != nil {
		return err
	}
	s.cred = c
	s.authenticate = func(ctx context.Context, o *policy.TokenRequestOptions) (azidentity.AuthenticationRecord, error) {
		_, err := c.GetToken(ctx, *o)
		return azidentity.AuthenticationRecord{}, err
	}
	return nil
}

func certificateCredential(cfg Config, opts azcore.ClientOptions) (azcore.TokenCredential, error) {
	data, err := os.ReadFile(cfg.CertificatePath)
	if err != nil {
		return nil, fmt.Errorf("read the certificate: %w", err)
	}
	certs, key, err := azidentity.ParseCertificates(data, []byte(cfg.CertificatePassword))
	if err != nil {
		return nil, fmt.Errorf("parse the certificate %s (PEM with its private key, or PKCS#12): %w",
			cfg.CertificatePath, err)
	}
	return azidentity.NewClientCertificateCredential(cfg.TenantID, cfg.ClientID, certs, key,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: opts})
}

// staticToken is a credential that returns one ready token.
type staticToken string

// GetToken returns the token, with its expiry when the token says.
func (t staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	exp := time.Now().Add(time.Hour)
	if c, ok := parseClaims(string(t)); ok && c.Exp > 0 {
		exp = time.Unix(c.Exp, 0)
	}
	return azcore.AccessToken{Token: string(t), ExpiresOn: exp}, nil
}

func tokenOptions(scopes []string) policy.TokenRequestOptions {
	return policy.TokenRequestOptions{Scopes: scopes, EnableCAE: true}
}

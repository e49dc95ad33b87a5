package main

import (
	"github.com/mdmdoctor/mdmdoctor/app"
	"path/filepath"
	"testing"
)

// TestStateDirIsReadInMain: the journal, the recent targets and the remembered account live in one
// state directory, found from XDG_STATE_HOME (or HOME) here and handed to the application.
func TestStateDirIsReadInMain(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if p := app.StateDir(env(map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/op"})); p != filepath.FromSlash("/x/state/mdmdoctor") {
		t.Errorf("stateDir = %q", p)
	}
	if p := app.StateDir(env(map[string]string{"HOME": "/home/op"})); p != filepath.FromSlash("/home/op/.local/state/mdmdoctor") {
		t.Errorf("stateDir without XDG_STATE_HOME = %q", p)
	}
	if p := app.StateDir(env(nil)); p != "" {
		t.Errorf("stateDir without a home = %q", p)
	}
}

// TestSecretsFromTheEnvironment: azidentity's variables are read in main, and only there, as is what
// decides the default sign-in.
func TestSecretsFromTheEnvironment(t *testing.T) {
	kv := map[string]string{"AZURE_TENANT_ID": "env-tenant", "AZURE_CLIENT_ID": "env-client", "AZURE_CLIENT_SECRET": "s3cret",
		"AZURE_CLIENT_CERTIFICATE_PATH": "/certs/app.pem", "AZURE_CLIENT_CERTIFICATE_PASSWORD": "pw", "MDMDOCTOR_ACCESS_TOKEN": "tok"}
	c := app.FromEnvironment(func(k string) string { return kv[k] })
	s := c.Secrets
	if s.TenantID != "env-tenant" || s.ClientID != "env-client" || s.ClientSecret != "s3cret" || s.CertificatePath != "/certs/app.pem" ||
		s.CertificatePassword != "pw" || s.AccessToken != "tok" {
		t.Errorf("from the environment: %+v", s)
	}
	if c.DefaultAuth != "token" {
		t.Errorf("with a token and no --auth, the sign-in is %q, want the token", c.DefaultAuth)
	}
	kv = map[string]string{"SSH_CONNECTION": "10.0.0.1 22 10.0.0.2 22", "DISPLAY": ":0"}
	if c := app.FromEnvironment(func(k string) string { return kv[k] }); c.DefaultAuth != "devicecode" {
		t.Errorf("over SSH the sign-in is %q, want devicecode", c.DefaultAuth)
	}
}

package main

import (
	"path/filepath"
	"testing"
)

// TestStateDirIsReadInMain: the journal, the recent targets and the remembered account live in one
// state directory, found from XDG_STATE_HOME (or HOME) here and handed to the application.
func TestStateDirIsReadInMain(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if p := stateDir(env(map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/op"})); p != filepath.FromSlash("/x/state/mdmdoctor") {
		t.Errorf("stateDir = %q", p)
	}
	if p := stateDir(env(map[string]string{"HOME": "/home/op"})); p != filepath.FromSlash("/home/op/.local/state/mdmdoctor") {
		t.Errorf("stateDir without XDG_STATE_HOME = %q", p)
	}
	if p := stateDir(env(nil)); p != "" {
		t.Errorf("stateDir without a home = %q", p)
	}
}

// TestSecretsFromTheEnvironment: azidentity's variables are read in main, and only there.
func TestSecretsFromTheEnvironment(t *testing.T) {
	kv := map[string]string{"AZURE_TENANT_ID": "env-tenant", "AZURE_CLIENT_ID": "env-client", "AZURE_CLIENT_SECRET": "s3cret",
		"AZURE_CLIENT_CERTIFICATE_PATH": "/certs/app.pem", "AZURE_CLIENT_CERTIFICATE_PASSWORD": "pw", "MDMDOCTOR_ACCESS_TOKEN": "tok"}
	s := secrets(func(k string) string { return kv[k] })
	if s.TenantID != "env-tenant" || s.ClientID != "env-client" || s.ClientSecret != "s3cret" || s.CertificatePath != "/certs/app.pem" ||
		s.CertificatePassword != "pw" || s.AccessToken != "tok" {
		t.Errorf("from the environment: %+v", s)
	}
}

package main

import (
	"path/filepath"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/graph"
)

// TestStateDirIsReadInMain: the journal and the recent targets live in one state directory, found
// from XDG_STATE_HOME here and handed to the packages below.
func TestStateDirIsReadInMain(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if p, err := journalPath(); err != nil || p != filepath.FromSlash("/x/state/mdmdoctor/journal.jsonl") {
		t.Errorf("journalPath = %q, %v", p, err)
	}
	if p := recentFile(); p != filepath.FromSlash("/x/state/mdmdoctor/recent.json") {
		t.Errorf("recentFile = %q", p)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/op")
	if p, err := journalPath(); err != nil || p != filepath.FromSlash("/home/op/.local/state/mdmdoctor/journal.jsonl") {
		t.Errorf("journalPath without XDG_STATE_HOME = %q, %v", p, err)
	}
}

// TestFromEnvFillsWhatNoFlagGave: azidentity's variables are read in main; a flag wins over them, and
// the secret and certificate come only from the environment.
func TestFromEnvFillsWhatNoFlagGave(t *testing.T) {
	t.Setenv("AZURE_TENANT_ID", "env-tenant")
	t.Setenv("AZURE_CLIENT_ID", "env-client")
	t.Setenv("AZURE_CLIENT_SECRET", "s3cret")
	t.Setenv("AZURE_CLIENT_CERTIFICATE_PATH", "/certs/app.pem")
	t.Setenv("AZURE_CLIENT_CERTIFICATE_PASSWORD", "pw")
	t.Setenv("XDG_STATE_HOME", "/x/state")
	c := fromEnv(graph.Config{})
	if c.TenantID != "env-tenant" || c.ClientID != "env-client" || c.ClientSecret != "s3cret" || c.CertificatePath != "/certs/app.pem" ||
		c.CertificatePassword != "pw" || c.StateDir != filepath.FromSlash("/x/state/mdmdoctor") {
		t.Errorf("from the environment: %+v", c)
	}
	if c := fromEnv(graph.Config{TenantID: "flag-tenant", ClientID: "flag-client"}); c.TenantID != "flag-tenant" || c.ClientID != "flag-client" {
		t.Errorf("the flags lost to the environment: %+v", c)
	}
}

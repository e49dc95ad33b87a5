package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// stateDir is mdmdoctor's state directory (journal, recent targets): $XDG_STATE_HOME/mdmdoctor, or
// ~/.local/state/mdmdoctor. The environment is read here, in main, and handed down.
func stateDir() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find mdmdoctor's state directory: set XDG_STATE_HOME: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "mdmdoctor"), nil
}

// journalPath is the fix journal's file in the state directory.
func journalPath() (string, error) {
	dir, err := stateDir()
	if err != nil {
		return "", err
	}
	return fix.JournalPath(dir), nil
}

// fromEnv completes a real tenant's sign-in settings from the environment, read here in main as
// azidentity names it: the tenant and app when no flag gave them, the client secret and certificate
// (never flags), and the state directory for the sign-in record ("" when there is none: the sign-in
// that needs it then says so).
func fromEnv(c graph.Config) graph.Config {
	if c.TenantID == "" {
		c.TenantID = os.Getenv("AZURE_TENANT_ID")
	}
	if c.ClientID == "" {
		c.ClientID = os.Getenv("AZURE_CLIENT_ID")
	}
	c.ClientSecret = os.Getenv("AZURE_CLIENT_SECRET")
	c.CertificatePath = os.Getenv("AZURE_CLIENT_CERTIFICATE_PATH")
	c.CertificatePassword = os.Getenv("AZURE_CLIENT_CERTIFICATE_PASSWORD")
	c.StateDir, _ = stateDir()
	return c
}

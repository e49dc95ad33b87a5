package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// stateDir is mdmdoctor's state directory (journal, recent targets, remembered account):
// $XDG_STATE_HOME/mdmdoctor, or ~/.local/state/mdmdoctor; "" when neither is set. The environment is
// read here, in main, once, and handed down.
func stateDir(getenv func(string) string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" && runtime.GOOS == "windows" {
			home = getenv("USERPROFILE")
		}
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "mdmdoctor")
}

// secrets are a real tenant's credentials as azidentity names them in the environment.
func secrets(getenv func(string) string) app.Secrets {
	return app.Secrets{
		AccessToken: getenv("MDMDOCTOR_ACCESS_TOKEN"),
		TenantID:    getenv("AZURE_TENANT_ID"), ClientID: getenv("AZURE_CLIENT_ID"),
		ClientSecret:    getenv("AZURE_CLIENT_SECRET"),
		CertificatePath: getenv("AZURE_CLIENT_CERTIFICATE_PATH"), CertificatePassword: getenv("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
	}
}

// appConfig is the application the command line asks for: its flags, and the environment read here.
func appConfig(c Config, s streams) app.Config {
	getenv := os.Getenv
	sec := secrets(getenv)
	auth := graph.Auth(c.Auth)
	if auth == "" {
		ssh := getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != ""
		display := getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != "" || runtime.GOOS != "linux"
		auth = app.DefaultAuth(sec.AccessToken, ssh, display)
	}
	return app.Config{
		Version: version, Demo: c.Demo, DNSOnly: c.Command == "dns", Cloud: c.Cloud, GraphURL: c.GraphURL, Auth: auth,
		TenantID: c.TenantID, ClientID: c.ClientID, Secrets: sec, Timeout: c.Timeout, DNSTimeout: c.DNSTimeout,
		Resolvers: c.Resolvers, ReadOnly: c.ReadOnly, Debug: c.Debug, Dsregcmd: c.Dsregcmd, StateDir: stateDir(getenv),
		Stdin: s.in, Stdout: s.out, Stderr: s.errOut, Environ: os.Environ(),
	}
}

// openApp builds the application of a command, signed in when signIn says.
func openApp(ctx context.Context, c Config, s streams, signIn bool) (*app.App, error) {
	a, err := app.New(ctx, appConfig(c, s))
	if err != nil {
		return nil, err
	}
	if signIn {
		if err := a.SignIn(ctx, nil); err != nil {
			a.Close()
			return nil, err
		}
	}
	return a, nil
}

package app

import (
	"path/filepath"
	"runtime"
)

// FromEnvironment is what the process environment decides for a session, read through getenv by main
// (os.Getenv) or by a test (a map): the state directory (journal, recent targets, remembered account),
// the operator's home, the secrets azidentity names, and the default sign-in. Nothing else in this package reads it.
func FromEnvironment(getenv func(string) string) Config {
	s := Secrets{
		AccessToken: getenv("MDMDOCTOR_ACCESS_TOKEN"),
		TenantID:    getenv("AZURE_TENANT_ID"), ClientID: getenv("AZURE_CLIENT_ID"),
		ClientSecret: getenv("AZURE_CLIENT_SECRET"), CertificatePath: getenv("AZURE_CLIENT_CERTIFICATE_PATH"),
		CertificatePassword: getenv("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
	}
	ssh := getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != ""
	display := getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != "" || runtime.GOOS != "linux"
	return Config{Secrets: s, StateDir: StateDir(getenv), HomeDir: home(getenv),
		DefaultAuth: DefaultAuth(s.AccessToken, ssh, display)}
}

// home is the operator's home folder as os.UserHomeDir finds it: $HOME, or %USERPROFILE% on Windows.
func home(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" || runtime.GOOS != "windows" {
		return h
	}
	return getenv("USERPROFILE")
}

// StateDir is mdmdoctor's state directory: $XDG_STATE_HOME/mdmdoctor, or ~/.local/state/mdmdoctor; ""
// when neither can be found.
func StateDir(getenv func(string) string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		home := home(getenv)
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "mdmdoctor")
}

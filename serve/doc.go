// Package serve serves the mdmdoctor terminal UI over SSH, as soft-serve serves git: one team jump host,
// one version, nothing to install, an identity per operator.
//
// A Server is built from an explicit Config. Operators authenticate with a public key listed in an
// OpenSSH authorized_keys file, re-read when it changes; the options from=, expiry-time= and restrict
// are honoured, a key carrying an option the server cannot honour is refused with a log line, and an
// unparsable line is skipped and logged. Password and keyboard-interactive authentication are never
// offered. Each SSH session needs a PTY and gets its own application, built by Config.NewApp, so
// operators never share sign-in, targets, pastes or fixes. The server enforces a maximum number of
// sessions, an idle timeout and a per-session run time; Shutdown waits for the fixes in flight to be
// answered and journaled, then closes every session with a message. It logs with slog: connections,
// refused authentication and disconnections here, sign-in and fixes from the application; never a
// token or a paste.
//
// Forwarding of any kind is refused but one: with Config.RedirectPort, each session holds a loopback
// port for the sign-in redirect of the authorization code flow, and a connection authenticated with
// the same key may forward to that port (ssh -N -L PORT:localhost:PORT), for tenants that block the
// device code flow.
//
// The package knows nothing of Microsoft Graph: the factory (package app, wired by cmd/mdmdoctor)
// builds the application, and the tests build a small one of their own.
package serve

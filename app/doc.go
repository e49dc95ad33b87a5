// Package app is one complete mdmdoctor application for one operator, built from a Config: the sign-in,
// the Graph, DNS and dsregcmd readers (or the demo's loopback servers), fix sessions and their journal in
// the state directory, device-to-user resolution, the tenant walkthrough and its export, and the TUI's
// backend (Backend, with the journal's runs and their undo).
//
// The command line builds one App per run and calls what its command asks for (Check, Report, Fix, Undo,
// RunTUI); mdmdoctor serve builds one per SSH connection (ServedSessions, Serve), each signed in as its
// operator, with Model for the session's program and Drain for its end. An App reads no environment
// variable and holds no global: the settings, the secrets main read from the environment
// (FromEnvironment), the state directory, the streams and the clock all come in its Config, so several
// apps live side by side in one process. It looks at its own streams only to tell a terminal from a pipe.
package app

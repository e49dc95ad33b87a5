// Package app is one complete mdmdoctor application for one operator, built from a Config: the sign-in,
// the Graph, DNS and dsregcmd readers (or the demo's loopback servers), fix sessions and their journal in
// the state directory, device-to-user resolution, the tenant walkthrough and its export, and the TUI's
// backend.
//
// The command line builds one App per run; the SSH server builds one per connection. An App reads
// nothing from the process: no environment variable, no standard stream, no global. Everything it
// needs (the settings, the secrets main read from the environment, the state directory, the streams,
// the clock) comes in its Config, so several apps live side by side in one process.
package app

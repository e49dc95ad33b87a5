package main

import (
	"bytes"
	"strings"
	"testing"
)

// runIn runs the CLI in-process through run(), as the binary's main does, with the journal in state
// and the environment given (KEY=VALUE). Tests that use it set process environment, so they do not
// run in parallel.
func runIn(t *testing.T, state string, env []string, stdin string, args ...string) runResult {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("NO_COLOR", "1")
	t.Setenv("MDMDOCTOR_ACCESS_TOKEN", "")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return runResult{out.String(), errb.String(), code}
}

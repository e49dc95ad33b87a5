package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// runWith runs the command line in-process through run(), as main does, with the state directory under
// state (XDG_STATE_HOME), a home of its own, NO_COLOR, and the environment env (KEY=VALUE) added: nothing
// of the test process's own environment reaches it, so these runs may go side by side.
func runWith(t *testing.T, state string, env []string, stdin string, args ...string) runResult {
	t.Helper()
	// A bound well above any demo run, so that a hang fails this test instead of the whole suite.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	environ := append([]string{"XDG_STATE_HOME=" + state, "HOME=" + t.TempDir(), "NO_COLOR=1"}, env...)
	var out, errb bytes.Buffer
	code := run(ctx, args, environ, strings.NewReader(stdin), &out, &errb)
	if ctx.Err() != nil {
		t.Fatalf("%v did not return: %v", args, ctx.Err())
	}
	return runResult{out.String(), errb.String(), code}
}

// runCLI runs the command line in-process with a state directory of its own.
func runCLI(t *testing.T, stdin string, args ...string) runResult {
	t.Helper()
	return runWith(t, t.TempDir(), nil, stdin, args...)
}

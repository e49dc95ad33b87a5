package tui

import (
	"bytes"
	"context"
	"errors"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
	"io"
	"testing"
	"time"
)

// TestRunEndsWithItsContext runs the public entry point on pipes: when the caller's context ends
// (the CLI got SIGTERM), Run returns that context's error promptly.
func TestRunEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	in, inW := io.Pipe()
	defer inW.Close()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Backend: newTestBackend(), Checks: testChecks(), Input: in, Output: &out,
			Environ: []string{"TERM=xterm-256color"}})
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(tuitest.Wait):
		t.Fatal("Run did not end with its context")
	}
}

func TestRunNeedsABackend(t *testing.T) {
	if err := Run(context.Background(), Options{}); err == nil {
		t.Fatal("Run without a backend did not fail")
	}
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/serve"
)

// ShutdownGrace bounds how long a server ending (SIGTERM) waits for the fixes in flight before closing
// the sessions anyway.
const ShutdownGrace = 2 * time.Minute

// Serve runs mdmdoctor serve: the SSH server of s, one served application per session built from base,
// until ctx ends (SIGTERM or SIGINT); then it drains, waiting up to ShutdownGrace for the fixes in flight.
// The log goes to logFile (mode 0600), or to base.Stderr when it is "". The host key defaults to
// ssh_host_ed25519_key in the state directory.
func Serve(ctx context.Context, base Config, s serve.Config, logFile string) error {
	if probe := base; !probe.Demo {
		probe.Served = true
		if err := probe.Validate(); err != nil {
			return err
		}
	}
	logTo := orDiscard(base.Stderr)
	if logFile != "" {
		f, err := fix.OpenPrivate(logFile)
		if err != nil {
			return fmt.Errorf("cannot write the log %s: %v", logFile, err)
		}
		defer f.Close()
		logTo = io.Writer(f)
	}
	s.Logger = slog.New(slog.NewTextHandler(logTo, nil))
	if s.HostKey == "" {
		if base.StateDir == "" {
			return errors.New("no state directory for the host key: give --host-key FILE")
		}
		s.HostKey = filepath.Join(base.StateDir, "ssh_host_ed25519_key")
	}
	s.Demo, s.NewApp = base.Demo, ServedSessions(base)
	srv, err := serve.New(s)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	down, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer cancel()
	return errors.Join(srv.Shutdown(down), <-served)
}

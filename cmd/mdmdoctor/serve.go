package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/serve"
)

// shutdownGrace bounds how long SIGTERM waits for the fixes in flight before closing the sessions anyway.
const shutdownGrace = 2 * time.Minute

func (c *cli) serveCmd() *cobra.Command {
	var cfg serve.Config
	var logFile string
	cmd := &cobra.Command{
		Use: "serve", Short: "serve the TUI over SSH: one application per operator, public keys only", Long: long("serve"),
		Args: noArgs, PreRunE: c.finish,
		RunE: func(cmd *cobra.Command, _ []string) error { return c.serve(cmd.Context(), cfg, logFile) },
	}
	c.common(cmd)
	for _, name := range []string{"format", "only", "debug"} {
		_ = cmd.Flags().MarkHidden(name)
	}
	fs := cmd.Flags()
	fs.StringVar(&cfg.Listen, "listen", serve.DefaultListen, "TCP address to serve SSH on")
	fs.StringVar(&cfg.AuthorizedKeys, "authorized-keys", "", "OpenSSH authorized_keys file of the operators' public keys "+
		"(required; re-read when it changes)")
	fs.StringVar(&cfg.HostKey, "host-key", "", "the server's private key, generated on first start "+
		"(default: ssh_host_ed25519_key in the state directory)")
	fs.IntVar(&cfg.MaxSessions, "max-sessions", serve.DefaultMaxSessions, "sessions open at once")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "close a session after this long without a keystroke")
	fs.DurationVar(&cfg.RunTimeout, "run-timeout", serve.DefaultRunTimeout, "the longest a session lasts")
	fs.IntVar(&cfg.RedirectPort, "redirect-port", graph.DefaultRedirectPort, "first loopback port of --auth authcode's "+
		"redirect, one per session (0: none)")
	fs.StringVar(&cfg.PublicHost, "public-host", "", "the host name operators connect to, for the port-forward "+
		"command (default: this host's name)")
	fs.StringVar(&logFile, "log", "", "write the log to this file instead of stderr")
	return cmd
}

// serve runs the SSH server until ctx ends (SIGTERM or SIGINT), then drains it.
func (c *cli) serve(ctx context.Context, cfg serve.Config, logFile string) error {
	if probe := c.cfg; !probe.Demo {
		probe.Served = true
		if err := probe.Validate(); err != nil {
			return err
		}
	}
	var logTo io.Writer = c.cfg.Stderr
	if logFile != "" {
		f, err := fix.OpenPrivate(logFile)
		if err != nil {
			return fmt.Errorf("cannot write the log %s: %v", logFile, err)
		}
		defer f.Close()
		logTo = f
	}
	cfg.Logger = slog.New(slog.NewTextHandler(logTo, nil))
	if cfg.HostKey == "" {
		if c.cfg.StateDir == "" {
			return errors.New("no state directory for the host key: give --host-key FILE")
		}
		cfg.HostKey = filepath.Join(c.cfg.StateDir, "ssh_host_ed25519_key")
	}
	if cfg.PublicHost == "" {
		cfg.PublicHost, _ = os.Hostname()
	}
	cfg.Demo, cfg.NewApp = c.cfg.Demo, app.ServedSessions(c.cfg)
	srv, err := serve.New(cfg)
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
	down, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(down)
	return errors.Join(err, <-served)
}

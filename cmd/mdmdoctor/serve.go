package main

import (
	"github.com/spf13/cobra"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/internal/cmdutil"
	"github.com/mdmdoctor/mdmdoctor/serve"
)

func (c *cli) serveCmd() *cobra.Command {
	var cfg serve.Config
	var logFile string
	cmd := &cobra.Command{
		Use: "serve", Short: "serve the TUI over SSH: one application per operator, public keys only", Long: long("serve"),
		Args: cmdutil.NoArgs, PreRunE: c.finish,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.PublicHost == "" {
				cfg.PublicHost = c.cfg.HostName
			}
			return app.Serve(cmd.Context(), c.cfg, cfg, logFile)
		},
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
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "close a session after this long "+
		"without a keystroke")
	fs.DurationVar(&cfg.RunTimeout, "run-timeout", serve.DefaultRunTimeout, "the longest a session lasts")
	fs.IntVar(&cfg.RedirectPort, "redirect-port", graph.DefaultRedirectPort, "first loopback port of --auth authcode's "+
		"redirect, one per session (0: none)")
	fs.StringVar(&cfg.PublicHost, "public-host", "", "the host name operators connect to, for the port-forward "+
		"command (default: this host's name)")
	fs.StringVar(&logFile, "log", "", "write the log to this file instead of stderr")
	return cmd
}

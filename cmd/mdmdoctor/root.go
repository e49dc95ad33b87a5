package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/clouds"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/internal/cmdutil"
	"github.com/mdmdoctor/mdmdoctor/report"
)

// cli is one command line: the configuration its flags fill, and the exit code its command sets.
type cli struct {
	build app.BuildInfo
	cfg   app.Config
	code  int
	// version is --version.
	version bool
	// The flags that are not app.Config's.
	auth, format, only string
	check              app.CheckOptions
	fix                app.FixOptions
	undo               app.UndoOptions
}

func (c *cli) root() *cobra.Command {
	tui := c.runApp(func(cmd *cobra.Command, a *app.App, _ []string) (int, error) {
		return 0, a.RunTUI(cmd.Context(), app.TUIOptions{Target: c.check.User})
	})
	root := &cobra.Command{
		Use: "mdmdoctor", Short: "Troubleshoot Windows automatic MDM enrollment into Intune", Long: long("root"),
		SilenceUsage: true, SilenceErrors: true, Args: cmdutil.NoArgs, SuggestionsMinimumDistance: 2,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if c.version {
				return nil
			}
			return c.finish(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if c.version {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), c.build)
				return err
			}
			return tui(cmd, args)
		},
	}
	// --version is ours, not cobra's Version: cobra prints that through text/template, whose reflection
	// makes the linker keep every exported method of every type in the program (4.7 MB of a 20.6 MB binary).
	root.Flags().BoolVarP(&c.version, "version", "v", false, "print the version, as mdmdoctor version does")
	root.SetFlagErrorFunc(cmdutil.FlagError)
	c.common(root)
	root.Flags().StringVar(&c.check.User, "user", "", "start right away with this user (UPN)")
	root.AddCommand(c.checkCmd(), c.dnsCmd(), c.fixCmd(), c.undoCmd(), c.explainCmd(), c.catalogCmd(), c.versionCmd(),
		c.serveCmd())
	return root
}

// runApp is a command that builds the application its flags describe (checked by its PreRunE), runs,
// and sets the exit code.
func (c *cli) runApp(run func(*cobra.Command, *app.App, []string) (int, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a, err := app.New(cmd.Context(), c.cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		c.code, err = run(cmd, a, args)
		return err
	}
}

// common registers the flags of every command that reads a tenant or DNS.
func (c *cli) common(cmd *cobra.Command) {
	fs := cmd.Flags()
	formatFlag(cmd, &c.format)
	fs.StringVar(&c.only, "only", "", "comma-separated check IDs to run; the others are reported as skipped")
	fs.BoolVar(&c.cfg.Demo, "demo", false, "use the built-in demo tenants and DNS zones (no sign-in, no network)")
	fs.StringVar(&c.cfg.Cloud, "cloud", "public", "Microsoft cloud: "+strings.Join(clouds.Names(), ", "))
	fs.StringVar(&c.cfg.GraphURL, "graph-url", "", "Microsoft Graph root without version, for proxies and tests "+
		"(plain http on loopback only)")
	fs.StringVar(&c.auth, "auth", "", "sign-in: "+strings.Join(app.Auths(), ", ")+
		" (default: devicecode over SSH or without a display, else browser)")
	fs.StringVar(&c.cfg.TenantID, "tenant-id", "", "directory (tenant) ID or domain to sign in to")
	fs.StringVar(&c.cfg.ClientID, "client-id", "", "application (client) ID of your mdmdoctor app registration")
	fs.DurationVar(&c.cfg.Timeout, "timeout", 60*time.Second, "bound on the whole run; unfinished checks end in error")
	fs.StringArrayVar(&c.cfg.Resolvers, "resolver", nil, "DNS resolver ADDR[:PORT] to ask instead of /etc/resolv.conf "+
		"(repeat to compare several)")
	fs.DurationVar(&c.cfg.DNSTimeout, "dns-timeout", 2*time.Second, "timeout of one DNS query")
	fs.BoolVar(&c.cfg.ReadOnly, "read-only", false, "never write to the tenant: every fix becomes a dry run")
	fs.StringVar(&c.cfg.Debug, "debug", "", "write a structured debug log to this file")
	cmdutil.Complete(cmd, "cloud", clouds.Names()...)
	cmdutil.Complete(cmd, "auth", app.Auths()...)
	cmdutil.CompleteList(cmd, "only", checks.IDs)
}

// formatFlag registers --format.
func formatFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "format", "text", "output format: text, json or markdown")
	cmdutil.Complete(cmd, "format", "text", "json", "markdown")
}

// finish validates what the flags hold and completes the configuration.
func (c *cli) finish(cmd *cobra.Command, _ []string) (err error) {
	if c.auth != "" {
		c.cfg.Auth = graph.Auth(c.auth)
	}
	if c.check.Format, err = report.ParseFormat(c.format); err != nil {
		return err
	}
	if c.check.Only, err = app.ParseOnly(c.only); err != nil {
		return err
	}
	if w := cmd.Name(); (w == "fix" || w == "undo") && (c.check.Format != report.FormatText || len(c.check.Only) > 0) {
		return fmt.Errorf("%s prints text and runs the checks its fix affects: --format and --only belong to check "+
			"and dns", w)
	}
	c.cfg.DNSOnly = cmd.Name() == "dns"
	if c.check.User != "" {
		if c.check.User, err = dnsprobe.NormalizeUPN(c.check.User); err != nil {
			return err
		}
	}
	return c.cfg.Validate()
}

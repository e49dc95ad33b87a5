package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/report"
)

// cli is one command line: the configuration its flags fill, and the exit code its command sets.
type cli struct {
	build app.BuildInfo
	cfg   app.Config
	code  int
	// The flags that are not app.Config's.
	auth, format, only string
	check              app.CheckOptions
	fix                app.FixOptions
	undo               app.UndoOptions
}

func (c *cli) root() *cobra.Command {
	root := &cobra.Command{
		Use: "mdmdoctor", Short: "Troubleshoot Windows automatic MDM enrollment into Intune", Long: long("root"),
		Version: c.build.Version, SilenceUsage: true, SilenceErrors: true, Args: noArgs, SuggestionsMinimumDistance: 2,
		PreRunE: c.finish,
		RunE: c.runApp(func(cmd *cobra.Command, a *app.App, _ []string) (int, error) {
			return 0, a.RunTUI(cmd.Context(), app.TUIOptions{Target: c.check.User})
		}),
	}
	root.SetVersionTemplate(c.build.String() + "\n")
	root.SetFlagErrorFunc(flagError)
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

// noArgs refuses arguments to a command that takes none, suggesting the nearest command for a mistyped one.
func noArgs(cmd *cobra.Command, args []string) error {
	switch s := cmd.SuggestionsFor(append(args, "")[0]); {
	case len(args) == 0:
		return nil
	case len(s) > 0:
		return fmt.Errorf("unknown command %q: did you mean %s? Run 'mdmdoctor --help' for the commands", args[0], s[0])
	case cmd.HasSubCommands():
		return fmt.Errorf("unknown command %q: run 'mdmdoctor --help' for the commands", args[0])
	}
	return fmt.Errorf("unexpected argument %q: %s takes none; run '%[2]s --help' for its flags", args[0],
		cmd.CommandPath())
}

// common registers the flags of every command that reads a tenant or DNS.
func (c *cli) common(cmd *cobra.Command) {
	fs := cmd.Flags()
	formatFlag(cmd, &c.format)
	fs.StringVar(&c.only, "only", "", "comma-separated check IDs to run; the others are reported as skipped")
	fs.BoolVar(&c.cfg.Demo, "demo", false, "use the built-in demo tenants and DNS zones (no sign-in, no network)")
	fs.StringVar(&c.cfg.Cloud, "cloud", "public", "Microsoft cloud: "+strings.Join(app.Clouds(), ", "))
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
	complete(cmd, "cloud", app.Clouds()...)
	complete(cmd, "auth", app.Auths()...)
	_ = cmd.RegisterFlagCompletionFunc("only", func(_ *cobra.Command, _ []string, typed string) ([]string,
		cobra.ShellCompDirective) {
		var out []string
		for _, id := range checks.IDs() {
			out = append(out, typed[:strings.LastIndex(typed, ",")+1]+id)
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
}

// formatFlag registers --format.
func formatFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "format", "text", "output format: text, json or markdown")
	complete(cmd, "format", "text", "json", "markdown")
}

// complete offers a flag's fixed values to shell completion.
func complete(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
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

// flagError is a mistyped flag as one line: the nearest flag there is, and where the flags are listed.
func flagError(cmd *cobra.Command, err error) error {
	msg, typed := err.Error(), ""
	if _, after, ok := strings.Cut(msg, "unknown flag: "); ok {
		typed = after
	} else if i := strings.Index(msg, " in -"); strings.HasPrefix(msg, "unknown shorthand flag") && i >= 0 {
		typed = msg[i+4:]
	}
	help := fmt.Sprintf("run '%s --help' for the flags", cmd.CommandPath())
	if typed == "" {
		return fmt.Errorf("%s: %s", msg, help)
	}
	name, s := strings.TrimLeft(typed, "-"), []string(nil)
	probe := &cobra.Command{} // cobra's own rule, nearest first: exact or a prefix, then one edit, then two
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		probe.AddCommand(&cobra.Command{Use: f.Name, Run: func(*cobra.Command, []string) {}})
	})
	for d := 0; len(s) == 0 && d <= 2; d++ {
		probe.SuggestionsMinimumDistance = d
		s = probe.SuggestionsFor(name)
	}
	switch {
	case len(s) == 0:
		return fmt.Errorf("unknown flag %s: %s", typed, help)
	case s[0] == name:
		return fmt.Errorf("unknown flag %s: long flags take two dashes, --%s; %s", typed, name, help)
	}
	return fmt.Errorf("unknown flag %s: did you mean --%s? Or %s", typed, s[0], help)
}

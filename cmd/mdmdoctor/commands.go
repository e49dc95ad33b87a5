package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/internal/cmdutil"
	"github.com/mdmdoctor/mdmdoctor/report"
)

func (c *cli) checkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check --user UPN [--dsregcmd FILE|-] [--path PATH] [--error CODE|TEXT] | check --tenant [--export FILE]",
		Short: "triage one user (--user), or walk the whole tenant through the enrollment set-up (--tenant)",
		Long:  long("check"), Args: cmdutil.NoArgs,
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := c.finish(cmd, nil); err != nil {
				return err
			}
			return c.check.Validate(&c.cfg, cmd.Flags().Changed("timeout"))
		},
		RunE: c.runApp(func(cmd *cobra.Command, a *app.App, _ []string) (int, error) {
			return a.Check(cmd.Context(), c.check)
		}),
	}
	c.common(cmd)
	fs := cmd.Flags()
	fs.StringVar(&c.check.User, "user", "", "the user to triage, by user principal name (alice@contoso.com)")
	fs.BoolVar(&c.check.Tenant, "tenant", false, "walk the whole tenant through the enrollment set-up")
	fs.StringVar(&c.cfg.Dsregcmd, "dsregcmd", "", "the device's dsregcmd /status output: a file, or - for standard input")
	fs.StringVar(&c.check.Error, "error", "", "the error code, event or message the user met: its documented causes are "+
		"ranked for the user")
	fs.StringVar(&c.check.Path, "path", "", "how the device enrolls: "+strings.Join(app.PathNames(), ", ")+
		" (default: every path judged)")
	fs.StringVar(&c.check.Export, "export", "", "with --tenant: write the device sweep to FILE.csv or FILE.json")
	fs.BoolVar(&c.check.Force, "force", false, "with --export: replace the file if it exists")
	cmdutil.Complete(cmd, "path", app.PathNames()...)
	return cmd
}

func (c *cli) dnsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "dns DOMAIN...", Short: "DNS checks only, no sign-in", Long: long("dns"),
		PreRunE: c.finish,
		RunE: c.runApp(func(cmd *cobra.Command, a *app.App, args []string) (int, error) {
			t, err := app.DNSTarget(args)
			if err != nil {
				return 0, err
			}
			return a.Report(cmd.Context(), t, c.check.ReportOptions)
		}),
	}
	c.common(cmd)
	return cmd
}

func (c *cli) fixCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "fix FIX-ID --user UPN", Short: "apply one fix: plan, confirm (the word yes), journal, re-check",
		Long:      strings.ReplaceAll(long("fix"), "{{fixes}}", strings.Join(fix.IDs(), ", ")),
		PreRunE:   c.finish,
		ValidArgs: fix.IDs(),
		RunE: c.runApp(func(cmd *cobra.Command, a *app.App, args []string) (int, error) {
			c.fix.ID, c.fix.User = strings.Join(args, " "), c.check.User
			return a.Fix(cmd.Context(), c.fix)
		}),
	}
	c.common(cmd)
	c.writeFlags(cmd, &c.fix.DryRun, &c.fix.Yes)
	fs, ch := cmd.Flags(), &c.fix.Choices
	fs.StringVar(&c.check.User, "user", "", "the user whose check offers the fix (UPN)")
	fs.StringVar(&ch.Group, "group", "", "the group to use, by id or display name (scope fixes)")
	fs.StringVar(&ch.SKU, "sku", "", "the licence to assign, by skuId or part number such as SPE_E5 (license.assign)")
	fs.StringVar(&ch.UsageLocation, "usage-location", "", "two-letter country code to set first when the user has no "+
		"usage location (license.assign)")
	fs.StringVar(&ch.Device, "device", "", "the stale record to disable or delete, by object id or device name "+
		"(devices.duplicates.*)")
	fs.StringVar(&c.cfg.Dsregcmd, "dsregcmd", "", "the device's 'dsregcmd /status' output (a file, or - for standard "+
		"input): its device.* checks run again after the fix")
	fs.StringArrayVar(&ch.ExcludeGroups, "exclude-group", nil, "a group to exclude, by id or display name, besides the "+
		"exclusions the All-users policies share (mfa.registration.create-ca-report-only; repeatable)")
	fs.StringArrayVar(&ch.ExcludeUsers, "exclude-user", nil, "a user to exclude, by UPN or id, likewise (repeatable)")
	fs.BoolVar(&c.fix.Wait, "wait", false, "dns.create-record: probe DNS until the record resolves or --timeout ends")
	return cmd
}

func (c *cli) undoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "undo [JOURNAL-ID] | undo --list", Short: "revert a journaled fix where it can (the latest when no ID)",
		Long: long("undo"), PreRunE: c.finish,
		RunE: c.runApp(func(cmd *cobra.Command, a *app.App, args []string) (int, error) {
			if len(args) > 1 || (c.undo.List && len(args) > 0) {
				return 0, errors.New("undo takes at most one journal ID, e.g. mdmdoctor undo 20261125-180000-1a2b3c, " +
					"and --list takes none")
			}
			c.undo.ID = strings.Join(args, "")
			return a.Undo(cmd.Context(), c.undo)
		}),
	}
	c.common(cmd)
	c.writeFlags(cmd, &c.undo.DryRun, &c.undo.Yes)
	cmd.Flags().BoolVar(&c.undo.List, "list", false, "list the journal's runs, newest first, and whether undo can "+
		"revert each")
	return cmd
}

// writeFlags registers the switches of commands that write.
func (c *cli) writeFlags(cmd *cobra.Command, dryRun, yes *bool) {
	cmd.Flags().BoolVar(dryRun, "dry-run", false, "show the plan and send nothing")
	cmd.Flags().BoolVar(yes, "yes", false, "confirm without asking (review the plan with --dry-run first)")
	_, _ = cmd.Flags().MarkHidden("format"), cmd.Flags().MarkHidden("only") // fix and undo print text, run their checks
}

func (c *cli) catalogCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "checks [--format text|json|markdown]", Short: "list the check catalog", Long: long("checks"),
		Args:    cmdutil.NoArgs,
		PreRunE: c.finish,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return report.WriteCatalog(cmd.OutOrStdout(), c.check.Format)
		},
	}
	formatFlag(cmd, &c.format)
	return cmd
}

func (c *cli) explainCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explain CODE|TEXT|-",
		Short: "an enrollment error code, event or message: meaning, causes (offline)", Long: long("explain"),
		PreRunE: c.finish,
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.Explain(cmd.OutOrStdout(), cmd.InOrStdin(), args, c.check.Format)
		},
	}
	formatFlag(cmd, &c.format)
	return cmd
}

func (c *cli) versionCmd() *cobra.Command {
	return &cobra.Command{Use: "version", Short: "print the version", Args: cmdutil.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) { fmt.Fprintln(cmd.OutOrStdout(), c.build) }}
}

package main

import (
	"context"
	"errors"
	"flag"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/report"
)

const checkHelp = `Usage:
  mdmdoctor check --user UPN [--dsregcmd FILE|-] [--path PATH] [--error CODE|TEXT] [flags]
  mdmdoctor check --tenant [flags]

Runs the diagnostic checks non-interactively and prints a report. Exit 0 when nothing failed, 1 when a check
failed, 2 when the run could not start, 3 when some checks ended in error.
`

const dnsHelp = `Usage:
  mdmdoctor dns DOMAIN... [flags]

Checks the EnterpriseEnrollment and EnterpriseRegistration CNAME records of each domain from every resolver
and the domain's authoritative servers. No sign-in is needed. A UPN is accepted in place of a domain.
`

// parse parses a command's flags; help is reported as errHelp so the caller exits 0.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, errHelp
	}
	if err != nil {
		return nil, usagef("%s: run 'mdmdoctor %s --help' for the flags", err, fs.Name())
	}
	return pos, nil
}

var errHelp = errors.New("help shown")

func runCheck(ctx context.Context, args []string, s streams) (int, error) {
	c := Config{Command: "check"}
	fs := newFlagSet("check", checkHelp, s.out)
	format, only := commonFlags(fs, &c)
	fs.StringVar(&c.User, "user", "", "the user to triage, by user principal name (alice@contoso.com)")
	fs.BoolVar(&c.Tenant, "tenant", false, "walk the whole tenant through the enrollment set-up")
	fs.StringVar(&c.Dsregcmd, "dsregcmd", "", "a file holding the device's 'dsregcmd /status' output, or - for standard input")
	fs.StringVar(&c.Error, "error", "", "the error code, event or message the user met: its documented causes are ranked for the user")
	path := fs.String("path", "", "how the device enrolls: join, register, gpo, comanage, autopilot, bulk or dem (default: inferred, or every path judged)")
	tenant := tenantFlags(fs)
	pos, err := parse(fs, args)
	if err == errHelp {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("unexpected argument %q: check takes --user UPN or --tenant", pos[0])
	}
	if err := finish(&c, *format, *only); err != nil {
		return 0, err
	}
	if err := checkErrorFlag(c); err != nil {
		return 0, err
	}
	if c.Path, err = facts.ParseEnrollmentPath(*path); err != nil {
		return 0, usageError{err.Error()}
	}
	switch {
	case c.User != "" && c.Tenant:
		return 0, usagef("give either --user UPN or --tenant, not both")
	case c.Path != facts.PathUnknown && c.User == "":
		return 0, usagef("--path says how one user's device enrolls: give it with --user UPN")
	case c.Tenant || tenant.export != "":
		return runTenant(ctx, c, *tenant, s)
	case c.User == "":
		return 0, usagef("missing --user UPN: name the user whose device did not enroll, e.g. --user alice@contoso.com")
	}
	upn, err := normalizeUPN(c.User)
	if err != nil {
		return 0, err
	}
	c.User = upn
	a, err := openApp(ctx, c, s, true)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	t := app.UserTarget(upn)
	t.DeviceIDs, t.Path = a.DsregDeviceIDs(), c.Path
	if err := a.CheckUser(ctx, t); err != nil {
		return 0, err
	}
	return a.Report(ctx, t, app.ReportOptions{Format: c.Format, Only: c.Only, Error: c.Error})
}

func runDNS(ctx context.Context, args []string, s streams) (int, error) {
	c := Config{Command: "dns"}
	fs := newFlagSet("dns", dnsHelp, s.out)
	format, only := commonFlags(fs, &c)
	pos, err := parse(fs, args)
	if err == errHelp {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if err := finish(&c, *format, *only); err != nil {
		return 0, err
	}
	if len(pos) == 0 {
		return 0, usagef("name at least one domain, e.g. mdmdoctor dns contoso.com")
	}
	for _, p := range pos {
		d, err := dnsprobe.NormalizeDomain(p)
		if err != nil {
			return 0, usageError{err.Error()}
		}
		c.Domains = append(c.Domains, d)
	}
	a, err := openApp(ctx, c, s, false)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	return a.Report(ctx, facts.Target{Kind: facts.TargetDNS, Domains: c.Domains}, app.ReportOptions{Format: c.Format, Only: c.Only})
}

const catalogHelp = `Usage:
  mdmdoctor checks [--format text|json|markdown]

Lists every check: its ID, step, question and the Microsoft documentation its rule follows.
`

func runCatalog(args []string, s streams) (int, error) {
	fs := newFlagSet("checks", catalogHelp, s.out)
	format := fs.String("format", "text", "output format: text, json or markdown")
	pos, err := parse(fs, args)
	if err == errHelp {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("checks takes no arguments")
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return 0, usageError{err.Error()}
	}
	return 0, report.WriteCatalog(s.out, f)
}

// normalizeUPN checks a UPN the operator typed (dnsprobe.NormalizeUPN); a refusal is a usage error.
func normalizeUPN(s string) (string, error) {
	upn, err := dnsprobe.NormalizeUPN(s)
	if err != nil {
		return "", usageError{err.Error()}
	}
	return upn, nil
}

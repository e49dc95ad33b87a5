package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/report"
)

// Config is everything the command line decides.
type Config struct {
	Command    string
	Demo       bool
	User       string
	Tenant     bool
	Domains    []string
	Format     report.Format
	Only       []string
	Cloud      string
	GraphURL   string
	Auth       string
	TenantID   string
	ClientID   string
	Timeout    time.Duration
	Resolvers  []string
	DNSTimeout time.Duration
	ReadOnly   bool
	DryRun     bool
	Yes        bool
	Debug      string
	Dsregcmd   string
	// Error is the code, event or message the user met (check --error): its causes are ranked.
	Error string
	// Path is how the device enrolls (--path); unknown when not given.
	Path facts.EnrollmentPath
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

var clouds = []string{"public", "usgov", "usgovdod", "china"}
var auths = []string{"devicecode", "browser", "azurecli", "clientsecret", "certificate"}

// commonFlags registers the flags every command shares.
func commonFlags(fs *flag.FlagSet, c *Config) (format, only *string) {
	format = fs.String("format", "text", "report format: text, json or markdown")
	only = fs.String("only", "", "comma-separated check IDs to run; the others are reported as skipped")
	fs.BoolVar(&c.Demo, "demo", false, "use the built-in demo tenants and DNS zones (no sign-in, no network)")
	fs.StringVar(&c.Cloud, "cloud", "public", "Microsoft cloud: public, usgov, usgovdod or china")
	fs.StringVar(&c.GraphURL, "graph-url", "", "Microsoft Graph root without version, for proxies and tests (plain http on loopback only)")
	fs.StringVar(&c.Auth, "auth", "", "sign-in: devicecode, browser, azurecli, clientsecret or certificate (default: devicecode over SSH or without a display, else browser)")
	fs.StringVar(&c.TenantID, "tenant-id", "", "directory (tenant) ID or domain to sign in to")
	fs.StringVar(&c.ClientID, "client-id", "", "application (client) ID of your mdmdoctor app registration")
	fs.DurationVar(&c.Timeout, "timeout", 60*time.Second, "bound on the whole run; unfinished checks end in error")
	fs.Var((*listFlag)(&c.Resolvers), "resolver", "DNS resolver ADDR[:PORT] to ask instead of /etc/resolv.conf (repeat to compare several)")
	fs.DurationVar(&c.DNSTimeout, "dns-timeout", 2*time.Second, "timeout of one DNS query")
	fs.BoolVar(&c.ReadOnly, "read-only", false, "never write to the tenant: every fix becomes a dry run")
	fs.StringVar(&c.Debug, "debug", "", "write a structured debug log to this file")
	return format, only
}

// parseInterspersed parses flags that may come before or after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// newFlagSet makes a flag set that reports errors as one line, prints help on -h to stdout.
func newFlagSet(name, help string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(stdout, help)
		fmt.Fprintln(stdout, "\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// finish validates what the common flags hold.
func finish(c *Config, format, only string) error {
	f, err := report.ParseFormat(format)
	if err != nil {
		return usageError{err.Error()}
	}
	c.Format = f
	if !slices.Contains(clouds, c.Cloud) {
		return usagef("unknown cloud %q: use --cloud public, usgov, usgovdod or china", c.Cloud)
	}
	if c.Auth != "" && !slices.Contains(auths, c.Auth) {
		return usagef("unknown sign-in method %q: use --auth %s", c.Auth, strings.Join(auths, ", "))
	}
	if c.Timeout <= 0 || c.DNSTimeout <= 0 {
		return usagef("--timeout and --dns-timeout must be positive durations such as 30s or 2m")
	}
	if only != "" {
		known := checks.IDs()
		for _, id := range strings.Split(only, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if !slices.Contains(known, id) {
				return usagef("unknown check %q in --only: run 'mdmdoctor checks' for the list of IDs", id)
			}
			c.Only = append(c.Only, id)
		}
	}
	return nil
}

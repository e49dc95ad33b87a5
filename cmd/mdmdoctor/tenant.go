package main

import (
	"context"
	"flag"

	"github.com/mdmdoctor/mdmdoctor/app"
)

// tenantOptions are the flags only the tenant walkthrough reads.
type tenantOptions struct {
	fs     *flag.FlagSet
	export string
}

// tenantFlags registers the walkthrough's own flags on the check command.
func tenantFlags(fs *flag.FlagSet) *tenantOptions {
	o := &tenantOptions{fs: fs}
	fs.StringVar(&o.export, "export", "", "with --tenant: write the device sweep for cleanup work to FILE.csv or FILE.json")
	return o
}

// given reports whether a flag was set on the command line.
func (o tenantOptions) given(name string) bool {
	found := false
	o.fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// runTenant walks the whole tenant (check --tenant): the signed-in tenant, or with --demo the demo
// tenant --tenant-id names (Contoso when it names none).
func runTenant(ctx context.Context, c Config, o tenantOptions, s streams) (int, error) {
	switch {
	case !c.Tenant:
		return 0, usagef("--export writes the device sweep of the tenant walkthrough: add --tenant")
	case c.Dsregcmd != "":
		return 0, usagef("--dsregcmd goes with --user, not --tenant")
	}
	if o.export != "" {
		if err := app.CheckExport(o.export); err != nil {
			return 0, err
		}
	}
	if !o.given("timeout") {
		c.Timeout = app.TenantTimeout
	}
	a, err := openApp(ctx, c, s, true)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	return a.Tenant(ctx, app.TenantOptions{ReportOptions: app.ReportOptions{Format: c.Format, Only: c.Only}, Export: o.export})
}

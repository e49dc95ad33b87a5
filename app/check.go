package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
)

// CheckOptions are a non-interactive run (the check command): one user's triage, or the tenant
// walkthrough.
type CheckOptions struct {
	ReportOptions
	// User is the user to triage, a normalized UPN; Tenant walks the whole tenant instead.
	User   string
	Tenant bool
	// Path is how the user's device enrolls (--path); "" judges every path.
	Path string
	// Export is the tenant walkthrough's device sweep file (TenantOptions.Export); Force replaces an
	// existing one.
	Export string
	Force  bool

	path facts.EnrollmentPath
}

// Validate refuses, before anything starts, a run that cannot be done with the configuration c. A tenant
// walkthrough gets TenantTimeout unless timeoutGiven.
func (o *CheckOptions) Validate(c *Config, timeoutGiven bool) error {
	if o.Tenant && !timeoutGiven {
		c.Timeout = TenantTimeout
	}
	var err error
	if o.path, err = facts.ParseEnrollmentPath(o.Path); err != nil {
		return err
	}
	switch {
	case o.User != "" && o.Tenant:
		return errors.New("give either --user UPN or --tenant, not both")
	case o.path != facts.PathUnknown && o.User == "":
		return errors.New("--path says how one user's device enrolls: give it with --user UPN")
	case o.Error != "" && o.User == "":
		return errors.New("--error ranks an error's causes for one user: use it with --user UPN")
	case o.Export != "" && !o.Tenant:
		return errors.New("--export writes the device sweep of the tenant walkthrough: add --tenant")
	case o.Tenant && c.Dsregcmd != "":
		return errors.New("--dsregcmd goes with --user, not --tenant")
	case o.Export != "":
		return CheckExport(o.Export, o.Force)
	case !o.Tenant && o.User == "":
		return errors.New("missing --user UPN: name the user whose device did not enroll, e.g. --user alice@contoso.com")
	case o.Error != "":
		_, err = FindSymptom(o.Error)
	}
	return err
}

// Check signs in and runs a validated CheckOptions: the report to Stdout, its exit code returned.
func (a *App) Check(ctx context.Context, o CheckOptions) (int, error) {
	if err := a.SignIn(ctx, nil); err != nil {
		return 0, err
	}
	if o.Tenant {
		return a.Tenant(ctx, TenantOptions{ReportOptions: o.ReportOptions, Export: o.Export})
	}
	t := UserTarget(o.User)
	t.DeviceIDs, t.Path = a.DsregDeviceIDs(), o.path
	if err := a.CheckUser(ctx, t); err != nil {
		return 0, err
	}
	return a.Report(ctx, t, o.ReportOptions)
}

// Validate refuses a fix the catalog does not know, or one without its user.
func (o FixOptions) Validate() error {
	if o.ID == "" {
		return fmt.Errorf("name one fix, e.g. mdmdoctor fix scope.mdm.add-user-to-group --user bob@contoso.com; "+
			"the fixes are %s", strings.Join(fix.IDs(), ", "))
	}
	if !slices.Contains(fix.IDs(), o.ID) {
		return fmt.Errorf("unknown fix %q: the fixes are %s", o.ID, strings.Join(fix.IDs(), ", "))
	}
	if o.User == "" {
		return fmt.Errorf("missing --user UPN: name the user whose check offers %s, e.g. --user bob@contoso.com", o.ID)
	}
	return nil
}

// DNSTarget is the target of the dns command: the domains (or UPNs, whose domain is taken) named.
func DNSTarget(args []string) (facts.Target, error) {
	t := facts.Target{Kind: facts.TargetDNS}
	for _, arg := range args {
		d, err := dnsprobe.NormalizeDomain(arg)
		if err != nil {
			return t, err
		}
		t.Domains = append(t.Domains, d)
	}
	if len(args) == 0 {
		return t, errors.New("name at least one domain, e.g. mdmdoctor dns contoso.com")
	}
	return t, nil
}

// PathNames are the values --path accepts.
func PathNames() []string {
	var out []string
	for _, p := range facts.EnrollmentPaths() {
		out = append(out, string(p))
	}
	return out
}

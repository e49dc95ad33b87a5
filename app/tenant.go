package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/report"
)

// TenantTimeout bounds a walkthrough when --timeout is not given: the device sweep of a large tenant
// pages through hundreds of thousands of records, far beyond the minute a one-user triage needs.
const TenantTimeout = 15 * time.Minute

// TenantOptions say what the tenant walkthrough reports and exports.
type TenantOptions struct {
	ReportOptions
	// Export is the .csv or .json file the device sweep is written to; "" writes none.
	Export string
}

// Tenant walks the whole tenant (check --tenant): the signed-in tenant, or in the demo the demo tenant
// --tenant-id names (Contoso when it names none). The report goes to Stdout, the sweep's progress and
// the export's summary to Stderr.
func (a *App) Tenant(ctx context.Context, o TenantOptions) (int, error) {
	client, err := a.tenantClient(ctx, a.cfg.TenantID)
	if err != nil {
		return 0, err
	}
	runCtx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	t, domainsErr, err := tenantTarget(runCtx, client)
	if err != nil {
		return 0, err
	}
	var dns facts.Reader = a.dns
	if domainsErr != nil {
		dns = facts.ReaderFunc(func(ctx context.Context, _ facts.Target, out chan<- facts.Delta) {
			select {
			case out <- facts.Delta{Source: facts.SrcDNS, Endpoint: "GET /v1.0/domains",
				Err: fmt.Errorf("the tenant's domains could not be read, so none was probed: %w", domainsErr)}:
			case <-ctx.Done():
			}
		})
	}
	progress := newSweepProgress(a.errOut, time.Now)
	if progress != nil {
		runCtx = graph.WithSweepProgress(runCtx, progress.update)
	}
	// The device records are grouped while they stream in, so that the sweep's matching is mostly
	// done when the last page arrives.
	run := checks.NewTenantRun()
	runCtx = graph.WithSweepRecords(runCtx, graph.SweepRecords{Entra: run.AddEntraDevice, Managed: run.AddManagedDevice})
	f := facts.New(a.cfg.Cloud, t, a.Now())
	opts := checks.Options{Checks: run.Checks(), Only: o.Only}
	results := checks.Run(runCtx, f, facts.Gather(runCtx, t, dns, client), opts, nil)
	progress.clear()
	rep := report.New(a.cfg.Version, a.cfg.Cloud, f.Target, results, a.Now())
	rep.Reach = a.Reach("")
	if err := a.writeReport(rep, o.Format); err != nil {
		return 0, err
	}
	if ctx.Err() != nil {
		fmt.Fprintln(a.errOut, "mdmdoctor: interrupted: the checks that had not finished are reported as errors")
	}
	if o.Export != "" {
		if err := exportSweep(o.Export, f, a.Now()); err != nil {
			fmt.Fprintf(a.errOut, "mdmdoctor: %s\n", strings.Join(strings.Fields(err.Error()), " "))
			return max(rep.ExitCode(), 3), nil
		}
		sw := checks.TenantSweep(f)
		fmt.Fprintf(a.errOut, "mdmdoctor: wrote %d devices to clean up (%d recorded twice, %d left in Intune, %d never "+
			"enrolled) to %s\n", len(sw.Findings), sw.Count(checks.SweepDuplicate), sw.Count(checks.SweepOrphan),
			sw.Count(checks.SweepNeverEnrolled), o.Export)
	}
	return rep.ExitCode(), nil
}

// tenantTarget names the tenant and lists the domains the DNS checks probe: the verified ones but the
// tenant's initial *.onmicrosoft.com names, whose records Microsoft runs. domainsErr says why the
// domains could not be read; err why the tenant could not be named at all.
func tenantTarget(ctx context.Context, client *graph.Client) (t facts.Target, domainsErr, err error) {
	id, err := client.TenantID(ctx)
	if err != nil {
		return facts.Target{}, nil, fmt.Errorf("could not tell which tenant this is: %w", err)
	}
	t = facts.Target{Kind: facts.TargetTenant, TenantID: id}
	ds, err := client.Domains(ctx)
	if err != nil {
		return t, err, nil
	}
	for _, d := range ds {
		if d.IsVerified && !d.IsInitial && !microsoftDomain(d.Name) {
			t.Domains = append(t.Domains, strings.ToLower(d.Name))
		}
	}
	return t, nil, nil
}

// microsoftDomain reports the tenant names Microsoft hosts in each cloud (contoso.onmicrosoft.com,
// contoso.mail.onmicrosoft.com, contoso.onmicrosoft.us, contoso.partner.onmschina.cn).
func microsoftDomain(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	for _, suffix := range []string{".onmicrosoft.com", ".onmicrosoft.us", ".onmschina.cn"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// exportSweep writes the device sweep to a .csv or .json file for cleanup work, readable by its owner
// only (it lists the tenant's devices and users), replacing the file in one step.
func exportSweep(name string, f *facts.Facts, now time.Time) error {
	for _, src := range []facts.Source{facts.SrcAllDevices, facts.SrcAllManagedDevices} {
		if st := f.Status(src); st.State != facts.Loaded {
			return fmt.Errorf("no export written: the device sweep did not finish (%s %s: %s)", src, st.State, st.Reason)
		}
	}
	sweep := checks.TenantSweep(f)
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("cannot write the export next to %s: %w: check the directory exists and is writable", name, err)
	}
	defer os.Remove(tmp.Name())
	if strings.EqualFold(filepath.Ext(name), ".json") {
		err = report.WriteSweepJSON(tmp, sweep, f.Target, now)
	} else {
		err = report.WriteSweepCSV(tmp, sweep)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return fmt.Errorf("cannot write the export %s: %w", name, err)
	}
	return nil
}

// CheckExport refuses, before a sweep that can take many minutes, an export that could not be written:
// not a .csv or .json name, a directory that does not exist or cannot be written, or a file that exists
// already (unless force).
func CheckExport(name string, force bool) error {
	if ext := strings.ToLower(filepath.Ext(name)); ext != ".csv" && ext != ".json" {
		return fmt.Errorf("--export %s: name a .csv or a .json file, e.g. --export devices.csv", name)
	}
	dir := filepath.Dir(name)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("--export %s: the directory %s does not exist: create it, or name a file in another", name, dir)
	}
	if st, err := os.Lstat(name); err == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("--export %s is not a file: name a .csv or .json file to write", name)
		}
		if !force {
			return fmt.Errorf("--export %s exists: add --force to replace it, or name another file", name)
		}
	}
	probe, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("--export %s: cannot write in %s (%v): name a file in a directory you can write", name, dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

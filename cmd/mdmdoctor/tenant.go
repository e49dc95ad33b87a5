package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/report"
)

// tenantTimeout bounds a walkthrough when --timeout is not given: the device sweep of a large tenant
// pages through hundreds of thousands of records, far beyond the minute a one-user triage needs.
const tenantTimeout = 15 * time.Minute

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
		if ext := strings.ToLower(filepath.Ext(o.export)); ext != ".csv" && ext != ".json" {
			return 0, usagef("--export %s: name a .csv or a .json file, e.g. --export devices.csv", o.export)
		}
	}
	if !o.given("timeout") {
		c.Timeout = tenantTimeout
	}
	e, err := openEnv(ctx, c, s)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	client, err := e.tenantClient(ctx, c.TenantID)
	if err != nil {
		return 0, err
	}
	runCtx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	t, domainsErr, err := tenantTarget(runCtx, client)
	if err != nil {
		return 0, err
	}
	var dns facts.Reader = e.dns
	if domainsErr != nil {
		dns = facts.ReaderFunc(func(ctx context.Context, _ facts.Target, out chan<- facts.Delta) {
			select {
			case out <- facts.Delta{Source: facts.SrcDNS, Endpoint: "GET /v1.0/domains",
				Err: fmt.Errorf("the tenant's domains could not be read, so none was probed: %w", domainsErr)}:
			case <-ctx.Done():
			}
		})
	}
	progress := newSweepProgress(s.errOut, time.Now)
	if progress != nil {
		runCtx = graph.WithSweepProgress(runCtx, progress.update)
	}
	// The device records are grouped while they stream in, so that the sweep's matching is mostly
	// done when the last page arrives.
	run := checks.NewTenantRun()
	runCtx = graph.WithSweepRecords(runCtx, graph.SweepRecords{Entra: run.AddEntraDevice, Managed: run.AddManagedDevice})
	f := facts.New(c.Cloud, t, e.Now())
	results := checks.Run(runCtx, f, facts.Gather(runCtx, t, dns, client), checks.Options{Checks: run.Checks(), Only: c.Only}, nil)
	progress.clear()
	rep := report.New(version, c.Cloud, f.Target, results, e.Now())
	if err := report.Write(s.out, rep, c.Format); err != nil {
		return 0, fmt.Errorf("could not write the report: %w", err)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(s.errOut, "mdmdoctor: interrupted: the checks that had not finished are reported as errors")
	}
	if o.export != "" {
		if err := exportSweep(o.export, f, e.Now()); err != nil {
			fmt.Fprintf(s.errOut, "mdmdoctor: %s\n", oneLine(err.Error()))
			return max(rep.ExitCode(), 3), nil
		}
		sw := checks.TenantSweep(f)
		fmt.Fprintf(s.errOut, "mdmdoctor: wrote %d devices to clean up (%d recorded twice, %d left in Intune, %d never enrolled) to %s\n",
			len(sw.Findings), sw.Count(checks.SweepDuplicate), sw.Count(checks.SweepOrphan), sw.Count(checks.SweepNeverEnrolled), o.export)
	}
	return rep.ExitCode(), nil
}

// tenantClient picks the Graph client of the walkthrough. Signed in, it is the operator's tenant. In
// the demo, --tenant-id picks a demo tenant by name, id or domain, Contoso by default.
func (e *env) tenantClient(ctx context.Context, id string) (*graph.Client, error) {
	e.mu.Lock()
	client := e.client
	e.mu.Unlock()
	if client != nil {
		return client, nil
	}
	if len(e.tenants) == 0 {
		return nil, errors.New("not signed in to Microsoft Graph")
	}
	if id == "" {
		return e.tenants[0].client, nil
	}
	var names []string
	for _, d := range e.tenants {
		tid, err := d.client.TenantID(ctx)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(id, d.name) || strings.EqualFold(id, tid) || containsFold(d.domains, id) {
			return d.client, nil
		}
		names = append(names, fmt.Sprintf("%s (%s)", d.name, tid))
	}
	return nil, usagef("no demo tenant matches --tenant-id %s: use %s", id, strings.Join(names, " or "))
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
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

// sweepProgress shows the device sweep's progress on one terminal line, rewritten at most every
// tenth of a second.
type sweepProgress struct {
	w     io.Writer
	clock func() time.Time
	mu    sync.Mutex
	last  time.Time
	state map[facts.Source]graph.SweepProgress
	shown bool
}

// newSweepProgress returns a progress line on w when w is a terminal, nil otherwise: a redirected
// stderr gets no carriage returns.
func newSweepProgress(w io.Writer, clock func() time.Time) *sweepProgress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &sweepProgress{w: w, clock: clock, state: map[facts.Source]graph.SweepProgress{}}
}

// update records one collection's progress; it is called from the sweep's goroutines.
func (p *sweepProgress) update(sp graph.SweepProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state[sp.Source] = sp
	now := p.clock()
	if !sp.Done && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.shown = true
	fmt.Fprintf(p.w, "\r\x1b[KReading devices: Entra ID %s · Intune %s", progressPart(p.state[facts.SrcAllDevices]), progressPart(p.state[facts.SrcAllManagedDevices]))
}

func progressPart(sp graph.SweepProgress) string {
	s := fmt.Sprintf("%s records, %d pages", thousands(sp.Records), sp.Pages)
	if sp.Done {
		s += " (done)"
	}
	return s
}

// thousands writes n with thousands separators: 100,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// clear erases the progress line once the run is over, so that the report starts clean.
func (p *sweepProgress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// TenantTarget implements tui.TenantBackend: the signed-in tenant (in the demo, Contoso), with its
// verified domains for the DNS checks. When the domains cannot be read the walkthrough still runs,
// and its DNS checks say there was no domain to probe.
func (b *tuiBackend) TenantTarget(ctx context.Context) (facts.Target, error) {
	client := b.env.graphFor(facts.Target{Kind: facts.TargetTenant})
	if client == nil {
		return facts.Target{}, errors.New("not signed in to Microsoft Graph: sign in first")
	}
	t, _, err := tenantTarget(ctx, client)
	return t, err
}

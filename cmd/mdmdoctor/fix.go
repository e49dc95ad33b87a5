package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui"
)

const fixHelp = `Usage:
  mdmdoctor fix FIX-ID --user UPN [--dry-run] [--yes] [--group ID|NAME] [--sku ID|PART-NUMBER]
                [--usage-location CC] [--device ID|NAME] [--dsregcmd FILE|-] [--exclude-group ID|NAME]
                [--exclude-user UPN] [--wait] [flags]

Runs the checks for the user as 'check --user' does, finds the result offering FIX-ID, shows the exact
Graph requests it would send, and asks for the word yes on the terminal before sending anything (--yes
confirms without asking). Deleting a device record whose BitLocker recovery keys or LAPS password would
go with it (or when that cannot be read) asks for the device's name to be typed instead, and --yes never
stands in for it. Right before writing it re-reads what the plan depends on and stops if that changed
since the check; every write is journaled before and after it is sent, then the affected checks run
again (with --dsregcmd, the device.* checks of that paste too). --dry-run and --read-only show the plan
and send nothing. dns.create-record is guidance: it prints the record to publish, and with --wait probes
DNS until it resolves or --timeout ends.

Fixes: ` + "%s" + `

Exit 0 when applied (or already applied, or only shown), 1 when a write failed or got no answer (the
journal says what was and was not applied), 2 when nothing was sent: bad input, fix not offered, not
confirmed, or the tenant changed since the check.
`

const undoHelp = `Usage:
  mdmdoctor undo [JOURNAL-ID] [--dry-run] [--yes] [flags]
  mdmdoctor undo --list

--list prints the journal's runs, newest first: id, time, operator, fix, user, outcome, and whether
undo can revert it (or why not).

Reverts a journaled fix (the newest one that can be undone when JOURNAL-ID is omitted) with the inverse
requests computed from the state journaled before each write: a membership or an included group added is
removed and the other way round, the user scopes, URLs and device registration policy go back to what they
were, a created Conditional Access policy is deleted, an assigned licence is removed. It shows the plan,
asks for the word yes, journals every write and re-checks, as fix does. A deleted device cannot be
restored: undo says so and where its JSON is in the journal. An undo stops, with nothing written, when the
object changed again since the fix. The journal is data from disk: undo sends only requests the fix could
have sent (method, path, body fields), and refuses an entry that names no tenant.
`

// fixFlags are the choices and switches of fix and undo.
type fixFlags struct {
	choices fix.Choices
	wait    bool
}

// runFix is `mdmdoctor fix FIX-ID --user UPN`.
func runFix(ctx context.Context, args []string, s streams) (int, error) {
	c := Config{Command: "fix"}
	fs := newFlagSet("fix", fmt.Sprintf(fixHelp, strings.Join(fix.IDs(), ", ")), s.out)
	format, only := commonFlags(fs, &c)
	ff := fixFlags{}
	fs.StringVar(&c.User, "user", "", "the user whose check offers the fix (UPN)")
	writeFlags(fs, &c)
	fs.StringVar(&ff.choices.Group, "group", "", "the group to use, by id or display name (scope fixes)")
	fs.StringVar(&ff.choices.SKU, "sku", "", "the licence to assign, by skuId or part number such as SPE_E5 (license.assign)")
	fs.StringVar(&ff.choices.UsageLocation, "usage-location", "", "two-letter country code to set first when the user has no usage location (license.assign)")
	fs.StringVar(&ff.choices.Device, "device", "", "the stale record to disable or delete, by object id or device name (devices.duplicates.*)")
	fs.StringVar(&c.Dsregcmd, "dsregcmd", "", "the device's 'dsregcmd /status' output (a file, or - for standard input): its device.* checks run again after the fix")
	fs.Var((*listFlag)(&ff.choices.ExcludeGroups), "exclude-group", "a group to exclude, by id or display name, besides the exclusions the All-users policies share (mfa.registration.create-ca-report-only; repeatable)")
	fs.Var((*listFlag)(&ff.choices.ExcludeUsers), "exclude-user", "a user to exclude, by UPN or id, likewise (repeatable)")
	fs.BoolVar(&ff.wait, "wait", false, "dns.create-record: probe DNS again until the record resolves or --timeout ends")
	pos, err := parse(fs, args)
	if err == errHelp {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if err := finishWrite(&c, *format, *only); err != nil {
		return 0, err
	}
	if len(pos) != 1 {
		return 0, usagef("name one fix, e.g. mdmdoctor fix scope.mdm.add-user-to-group --user bob@contoso.com; the fixes are %s", strings.Join(fix.IDs(), ", "))
	}
	id := pos[0]
	if !slices.Contains(fix.IDs(), id) {
		return 0, usagef("unknown fix %q: the fixes are %s", id, strings.Join(fix.IDs(), ", "))
	}
	if c.User == "" {
		return 0, usagef("missing --user UPN: name the user whose check offers %s, e.g. --user bob@contoso.com", id)
	}
	if c.User, err = normalizeUPN(c.User); err != nil {
		return 0, err
	}
	e, err := openEnv(ctx, c, s)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	t := userTarget(c.User)
	k := envChecker{env: e, target: t, timeout: c.Timeout}
	f, results := k.Check(ctx, nil)
	d, err := fix.NewDraft(f, results, id)
	var no *fix.NotOfferedError
	switch {
	case errors.As(err, &no) && no.Passing():
		fmt.Fprintf(s.out, "%s.\n", no.Error())
		return 0, nil
	case err != nil:
		return 0, usageError{err.Error()}
	}
	if err := d.Resolve(ctx, graphIO{e.graphFor(t)}, ff.choices); err != nil {
		return 0, usageError{err.Error()}
	}
	p, err := d.Plan(ff.choices)
	if err != nil {
		return 0, usageError{err.Error()}
	}
	if client := e.graphFor(t); client != nil {
		if err := fix.Inspect(ctx, graphIO{client}, p); err != nil {
			return 0, fmt.Errorf("could not read what deleting the record would delete with it, so nothing was sent: %w", err)
		}
	}
	if err := fix.Preview(s.out, p); err != nil {
		return 0, err
	}
	if p.Guided() {
		return guide(ctx, c, ff, k, p, s)
	}
	op := operatorOf(f)
	return applyPlan(ctx, c, e, t, p, op, s)
}

// runUndo is `mdmdoctor undo [JOURNAL-ID]`.
func runUndo(ctx context.Context, args []string, s streams) (int, error) {
	c := Config{Command: "undo"}
	fs := newFlagSet("undo", undoHelp, s.out)
	format, only := commonFlags(fs, &c)
	writeFlags(fs, &c)
	list := fs.Bool("list", false, "list the journal's runs, newest first, and whether each can be undone")
	pos, err := parse(fs, args)
	if err == errHelp {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if err := finishWrite(&c, *format, *only); err != nil {
		return 0, err
	}
	if len(pos) > 1 || (*list && len(pos) > 0) {
		return 0, usagef("undo takes at most one journal ID, e.g. mdmdoctor undo 20261125-180000-1a2b3c, and --list takes none")
	}
	id := ""
	if len(pos) == 1 {
		id = pos[0]
	}
	path, err := journalPath()
	if err != nil {
		return 0, err
	}
	if w := fix.StateDirWarning(path); w != "" {
		fmt.Fprintln(s.errOut, w)
	}
	entries, err := fix.OpenJournal(path).Entries()
	if err != nil {
		return 0, err
	}
	if *list {
		return 0, fix.WriteRunList(s.out, entries, path)
	}
	run, err := fix.FindRun(entries, id, path)
	if err != nil {
		return 0, usageError{fmt.Sprintf("%s (journal %s)", err, path)}
	}
	p, err := fix.PlanUndo(run, path)
	if err != nil {
		return 0, usageError{err.Error()}
	}
	if p.User == "" {
		return 0, usagef("journal entry %s names no user: revert it by hand from the requests it journaled", run.ID)
	}
	c.User = p.User
	e, err := openEnv(ctx, c, s)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	t := userTarget(p.User)
	f, _ := envChecker{env: e, target: t, timeout: c.Timeout}.Check(ctx, []string{"operator.permissions"})
	if err := fix.Preview(s.out, p); err != nil {
		return 0, err
	}
	return applyPlan(ctx, c, e, t, p, operatorOf(f), s, run.Begin.Tenant)
}

// writeFlags registers the switches of commands that write.
func writeFlags(fs *flag.FlagSet, c *Config) {
	fs.BoolVar(&c.DryRun, "dry-run", false, "show the plan and send nothing")
	fs.BoolVar(&c.Yes, "yes", false, "confirm without asking (review the plan with --dry-run first)")
}

// finishWrite validates the common flags of fix and undo, which print text only.
func finishWrite(c *Config, format, only string) error {
	if err := finish(c, format, only); err != nil {
		return err
	}
	if c.Format != report.FormatText || len(c.Only) > 0 {
		return usagef("%s prints text and runs the checks its fix affects: --format and --only belong to check and dns", c.Command)
	}
	return nil
}

func userTarget(upn string) facts.Target {
	return facts.Target{Kind: facts.TargetUser, User: upn, Domains: []string{upnDomainOf(upn)}}
}

func operatorOf(f *facts.Facts) string {
	if f != nil && f.Operator != nil {
		return f.Operator.UserPrincipalName
	}
	return ""
}

// applyPlan confirms, signs in for the plan's write scopes, applies and reports. wantTenant, for an
// undo, is the tenant the fix was journaled in.
func applyPlan(ctx context.Context, c Config, e *env, t facts.Target, p *fix.Plan, operator string, s streams, wantTenant ...string) (int, error) {
	if c.DryRun || c.ReadOnly {
		why := "--dry-run"
		if c.ReadOnly {
			why = "--read-only"
		}
		fmt.Fprintf(s.out, "\nDry run (%s): nothing was sent.\n", why)
		return 0, nil
	}
	if !c.Yes || p.Confirm != "" {
		if err := confirm(s, p, c.Yes); err != nil {
			return 0, err
		}
	}
	session, err := newSession(ctx, e, t, p.Permissions, func(dc graph.DeviceCodePrompt) {
		fmt.Fprintf(s.errOut, "The fix needs %s: sign in again to consent.\n%s\n", strings.Join(p.Permissions, ", "), dc.Message)
	})
	if err != nil {
		return 0, err
	}
	session.Operator = operator
	if len(wantTenant) > 0 && wantTenant[0] != "" && !strings.EqualFold(wantTenant[0], session.Tenant) {
		return 0, usagef("journal entry %s was made in tenant %s, but you are signed in to %s: sign in to that tenant (--tenant-id) to undo it", p.Undoes, wantTenant[0], session.Tenant)
	}
	path := session.Journal.Path()
	if w := fix.StateDirWarning(path); w != "" {
		fmt.Fprintln(s.errOut, w)
	}
	fmt.Fprintln(s.out)
	out, err := session.Apply(ctx, p, func(ev fix.Event) {
		if ev.Sent {
			fmt.Fprintf(s.out, "  %s\n", ev.Outcome)
			return
		}
		fmt.Fprintf(s.out, "[%d/%d] %s %s ...", ev.Step, ev.Of, ev.Request.Method(), ev.Request.URL())
	})
	if err != nil {
		return 0, usageError{oneLine(err.Error())}
	}
	report := func(format string, a ...any) { fmt.Fprintf(s.out, format, a...) }
	switch out.Result {
	case fix.AlreadyApplied:
		if p.Undoes != "" {
			report("Already undone: nothing needed to change.\n")
		} else {
			report("Already applied: nothing needed to change.\n")
		}
	case fix.Applied:
		report("Applied.\n")
	default:
		report("Not applied (%s): %s\n", out.Result, oneLine(out.Err.Error()))
	}
	if out.JournalID != "" {
		report("Journal: %s in %s\n", out.JournalID, path)
		if out.Result == fix.Applied || out.Result == fix.Partial || out.Result == fix.Unknown {
			if p.Undoes == "" && p.Reversible {
				report("Undo with: %s\n", undoCommand(e.cfg, out.JournalID, session.Tenant))
			}
			if e.cfg.Demo && p.Undoes == "" && p.Reversible {
				report("(Demo: the demo tenant starts afresh with every run, so a later undo finds nothing to revert.)\n")
			}
		}
	}
	writeRechecked(s.out, out.Rechecked)
	if out.Result == fix.Applied || out.Result == fix.AlreadyApplied {
		return 0, nil
	}
	return 1, nil
}

// confirm asks for the word yes on the terminal, or for the device's name when the plan asks for it
// (then --yes, given as yes, does not stand in for it); without a terminal it refuses.
func confirm(s streams, p *fix.Plan, yes bool) error {
	f, ok := s.in.(*os.File)
	if !ok || !isTerminal(f) {
		if p.Confirm != "" {
			return usagef("refusing to delete %s without its name typed on a terminal (--yes is not enough for a record whose BitLocker keys or LAPS password go with it): run the fix again on a terminal", p.Confirm)
		}
		return usagef("refusing to write without confirmation: standard input is not a terminal; review the plan with --dry-run, then run again with --yes")
	}
	n := len(p.Requests)
	what := map[bool]string{true: "this request", false: fmt.Sprintf("these %d requests", n)}[n == 1]
	if p.Confirm != "" {
		fmt.Fprintf(s.errOut, "\nType the device's name (%s) to send %s to Microsoft Graph: ", p.Confirm, what)
	} else {
		fmt.Fprintf(s.errOut, "\nType yes to send %s to Microsoft Graph: ", what)
	}
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read the confirmation: %w", err)
	}
	if p.Confirm != "" {
		if !p.Type(line) {
			return usagef("not confirmed: %q is not the device's name %s; nothing was sent", strings.TrimSpace(line), p.Confirm)
		}
		return nil
	}
	if strings.TrimSpace(line) != "yes" {
		return usagef("not confirmed: nothing was sent")
	}
	return nil
}

// undoCommand is the command that undoes a run, with the flags that reach the same tenant.
func undoCommand(c Config, id, tenant string) string {
	parts := []string{"mdmdoctor", "undo", id}
	if c.Demo {
		parts = append(parts, "--demo")
	}
	if tenant != "" {
		parts = append(parts, "--tenant-id", tenant)
	} else if c.TenantID != "" {
		parts = append(parts, "--tenant-id", c.TenantID)
	}
	if c.Cloud != "" && c.Cloud != "public" {
		parts = append(parts, "--cloud", c.Cloud)
	}
	if c.GraphURL != "" {
		parts = append(parts, "--graph-url", c.GraphURL)
	}
	return strings.Join(parts, " ")
}

// isTerminal reports whether f is a terminal, not a pipe, a file or /dev/null.
func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }

// guide shows a guided fix's current state and, with --wait, probes again until it resolves.
func guide(ctx context.Context, c Config, ff fixFlags, k envChecker, p *fix.Plan, s streams) (int, error) {
	if !ff.wait {
		_, results := k.Check(ctx, p.Checks)
		writeRechecked(s.out, keep(results, p.Checks))
		fmt.Fprintln(s.out, "Run again with --wait to probe DNS until the record resolves.")
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	fmt.Fprintf(s.out, "\nWaiting up to %s for the record to resolve (DNS changes take up to the record's TTL, sometimes longer)...\n", c.Timeout)
	results, ok := fix.WaitResolved(ctx, k, p.Checks, waitInterval(c.Timeout), func(rs []checks.Result) {
		fmt.Fprintf(s.out, "%s  ", time.Now().Format("15:04:05"))
		var parts []string
		for _, r := range rs {
			parts = append(parts, r.ID+" "+r.Status.String())
		}
		fmt.Fprintln(s.out, strings.Join(parts, ", "))
	})
	writeRechecked(s.out, results)
	if !ok {
		fmt.Fprintf(s.out, "Not resolving yet after %s: check the record at your DNS host, then run again with --wait and a longer --timeout.\n", c.Timeout)
		return 1, nil
	}
	fmt.Fprintln(s.out, "Resolved.")
	return 0, nil
}

// waitInterval spaces DNS probes: often enough to notice a change, rarely enough to spare the servers.
func waitInterval(timeout time.Duration) time.Duration {
	return min(max(timeout/20, time.Second), 30*time.Second)
}

func keep(results []checks.Result, ids []string) []checks.Result {
	var out []checks.Result
	for _, r := range results {
		if slices.Contains(ids, r.ID) {
			out = append(out, r)
		}
	}
	return out
}

// writeRechecked prints the fresh results of the affected checks, one line each.
func writeRechecked(w io.Writer, results []checks.Result) {
	if len(results) == 0 {
		return
	}
	fmt.Fprintln(w, "Re-checked:")
	for _, r := range results {
		subject := ""
		if r.Subject != "" {
			subject = " [" + r.Subject + "]"
		}
		fmt.Fprintf(w, "  %s %-5s %s%s: %s\n", r.Status.Symbol(), strings.ToUpper(r.Status.String()), r.ID, subject, r.Summary)
	}
}

// envChecker runs the checks for the fix's target on the env's readers, as check --user does.
type envChecker struct {
	env     *env
	target  facts.Target
	timeout time.Duration
}

// Check implements fix.Checker.
func (k envChecker) Check(ctx context.Context, ids []string) (*facts.Facts, []checks.Result) {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	f := facts.New(k.env.cfg.Cloud, k.target, k.env.Now())
	return f, checks.Run(ctx, f, facts.Gather(ctx, k.target, k.env.Readers(k.target)...), checks.Options{Only: ids}, nil)
}

// graphIO is the graph client as the fix package's Writer and Reader.
type graphIO struct{ c *graph.Client }

// Send implements fix.Writer.
func (g graphIO) Send(ctx context.Context, r checks.Request) (graph.Response, error) {
	resp, err := g.c.Send(ctx, r.Method(), r.URL(), r.Body)
	return resp, err
}

// Get implements fix.Reader.
func (g graphIO) Get(ctx context.Context, u string) (graph.Response, error) {
	resp, err := g.c.Send(ctx, "GET", u, nil)
	return resp, err
}

// newSession signs in for the plan's write permissions and sets up a fix session over that client,
// with the tenant it is signed in to and the journal in the state directory.
func newSession(ctx context.Context, e *env, t facts.Target, perms []string, prompt func(graph.DeviceCodePrompt)) (*fix.Session, error) {
	client, err := writeClient(ctx, e, t, perms, prompt)
	if err != nil {
		return nil, err
	}
	tenant, err := client.TenantID(ctx)
	if err != nil {
		return nil, fmt.Errorf("could not tell which tenant this is, so nothing was sent: %w", err)
	}
	path, err := journalPath()
	if err != nil {
		return nil, err
	}
	gio := graphIO{client}
	return &fix.Session{Writer: gio, Reader: gio, Checker: envChecker{env: e, target: t, timeout: e.cfg.Timeout},
		Journal: fix.OpenJournal(path), Tenant: tenant}, nil
}

// writeClient returns a Graph client that may send the plan's writes. Delegated sign-in asks again
// with the fix's scopes added (incremental consent: Entra asks the operator to consent once, on the
// device code page or in the browser, and the remembered account makes it silent afterwards). A
// token from MDMDOCTOR_ACCESS_TOKEN, the demo, the Azure CLI and app-only sign-in are used as they are.
func writeClient(ctx context.Context, e *env, t facts.Target, perms []string, prompt func(graph.DeviceCodePrompt)) (*graph.Client, error) {
	read := e.graphFor(t)
	if read == nil {
		return nil, errors.New("no Graph client: sign in first")
	}
	auth := graph.Auth(e.cfg.Auth)
	if auth == "" && os.Getenv("MDMDOCTOR_ACCESS_TOKEN") != "" {
		auth = graph.AuthToken
	}
	if auth == "" {
		auth = defaultAuth()
	}
	if e.cfg.Demo || (auth != graph.AuthDeviceCode && auth != graph.AuthBrowser) || len(perms) == 0 {
		return read, nil
	}
	client, err := graph.New(ctx, fromEnv(graph.Config{
		Cloud: graph.Cloud(e.cfg.Cloud), GraphURL: e.cfg.GraphURL, Auth: auth, TenantID: e.cfg.TenantID, ClientID: e.cfg.ClientID,
		Logger: e.log, Scopes: append(graph.ReadScopes(), perms...),
		DeviceCode: func(_ context.Context, p graph.DeviceCodePrompt) error {
			prompt(p)
			return nil
		},
	}))
	if err != nil {
		return nil, fmt.Errorf("could not sign in with the fix's permissions (%s), so nothing was sent: %w", strings.Join(perms, ", "), err)
	}
	return client, nil
}

// The TUI's backend applies fixes too (tui.Backend), with the same machinery as the fix command.

// DraftFix checks the target again and finds the fix among the fresh results.
func (b *tuiBackend) DraftFix(ctx context.Context, t facts.Target, fixID string) (*fix.Draft, error) {
	f, results := envChecker{env: b.env, target: t, timeout: b.env.cfg.Timeout}.Check(ctx, nil)
	return fix.NewDraft(f, results, fixID)
}

// ApplyFix signs in for the plan's permissions and applies it, journaled, as the fix command does.
func (b *tuiBackend) ApplyFix(ctx context.Context, t facts.Target, p *fix.Plan, prompt func(tui.DeviceCode), progress func(fix.Event)) (*fix.Outcome, error) {
	if b.env.cfg.ReadOnly {
		return nil, errors.New("--read-only: nothing is sent")
	}
	session, err := newSession(ctx, b.env, t, p.Permissions, func(dc graph.DeviceCodePrompt) {
		prompt(tui.DeviceCode{Message: dc.Message, UserCode: dc.Code, VerificationURL: dc.URL})
	})
	if err != nil {
		return nil, err
	}
	return session.Apply(ctx, p, progress)
}

// ReadOnly reports --read-only: the fix screen then shows plans as dry runs.
func (b *tuiBackend) ReadOnly() bool { return b.env.cfg.ReadOnly }

package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
)

// FixOptions are one fix's choices and switches (the fix command's flags).
type FixOptions struct {
	// ID is the fix to apply; User the user whose check offers it (a normalized UPN).
	ID, User string
	Choices  fix.Choices
	// Wait probes DNS until a guided DNS fix resolves or the timeout ends.
	Wait bool
	// DryRun shows the plan and sends nothing; Yes confirms without asking.
	DryRun, Yes bool
}

// Fix signs in, runs the checks for the user, finds the result offering the fix, previews its exact
// requests on Stdout, asks for confirmation on Stdin, applies it journaled and re-checks. The exit code is 0 when
// applied (or already, or only shown) and 1 when a write failed.
func (a *App) Fix(ctx context.Context, o FixOptions) (int, error) {
	if err := o.Validate(); err != nil {
		return 0, err
	}
	if err := a.SignIn(ctx, nil); err != nil {
		return 0, err
	}
	t := UserTarget(o.User)
	k := checker{app: a, target: t, timeout: a.cfg.Timeout, paste: true}
	f, results := k.Check(ctx, nil)
	d, err := fix.NewDraft(f, results, o.ID)
	var no *fix.NotOfferedError
	switch {
	case errors.As(err, &no) && no.Passing():
		fmt.Fprintf(a.out, "%s.\n", no.Error())
		return 0, nil
	case err != nil:
		return 0, err
	}
	if err := d.Resolve(ctx, graphIO{a.graphFor(t)}, o.Choices); err != nil {
		return 0, err
	}
	p, err := d.Plan(o.Choices)
	if err != nil {
		return 0, err
	}
	if client := a.graphFor(t); client != nil {
		if err := fix.Inspect(ctx, graphIO{client}, p); err != nil {
			return 0, fmt.Errorf("could not read what deleting the record would delete with it, so nothing was sent: %w", err)
		}
	}
	if err := fix.Preview(a.out, p); err != nil {
		return 0, err
	}
	if p.Guided() {
		return a.guide(ctx, o, k, p)
	}
	return a.applyPlan(ctx, k, p, operatorOf(f), o.DryRun, o.Yes, "", func(extra ...string) string {
		return a.command("", a.fixArgs(o, extra...)...)
	})
}

// UndoOptions say which journaled fix to revert, or to list the journal.
type UndoOptions struct {
	// ID is the journal run to revert; "" is the newest that can be.
	ID string
	// List prints the journal's runs instead.
	List        bool
	DryRun, Yes bool
}

// Undo reverts a journaled fix (as Fix applies one: preview, confirm, journal, re-check), or lists the
// journal's runs.
func (a *App) Undo(ctx context.Context, o UndoOptions) (int, error) {
	entries, path, err := a.journalEntries()
	if err != nil {
		return 0, err
	}
	if w := fix.StateDirWarning(path); w != "" {
		fmt.Fprintln(a.errOut, w)
	}
	if o.List {
		return 0, fix.WriteRunList(a.out, entries, path)
	}
	run, err := fix.FindRun(entries, o.ID, path)
	if err != nil {
		return 0, fmt.Errorf("%s (journal %s)", err, path)
	}
	p, err := fix.PlanUndo(run, path)
	if err != nil {
		return 0, err
	}
	if p.User == "" {
		return 0, fmt.Errorf("journal entry %s names no user: revert it by hand from the requests it journaled", run.ID)
	}
	if err := a.SignIn(ctx, nil); err != nil {
		return 0, err
	}
	k := checker{app: a, target: UserTarget(p.User), timeout: a.cfg.Timeout, paste: true}
	f, _ := k.Check(ctx, []string{"operator.permissions"})
	if err := fix.Preview(a.out, p); err != nil {
		return 0, err
	}
	return a.applyPlan(ctx, k, p, operatorOf(f), o.DryRun, o.Yes, run.Begin.Tenant, func(extra ...string) string {
		return a.command(run.Begin.Tenant, append([]string{"undo", run.ID}, extra...)...)
	})
}

func operatorOf(f *facts.Facts) string {
	if f != nil && f.Operator != nil {
		return f.Operator.UserPrincipalName
	}
	return ""
}

// applyPlan confirms, signs in for the plan's write scopes, applies and reports. wantTenant, for an
// undo, is the tenant the fix was journaled in; rerun is the command that runs this again with more flags.
func (a *App) applyPlan(ctx context.Context, k checker, p *fix.Plan, operator string, dryRun, yes bool,
	wantTenant string, rerun func(extra ...string) string) (int, error) {
	if dryRun || a.cfg.ReadOnly {
		why := "--dry-run"
		if a.cfg.ReadOnly {
			why = "--read-only"
		}
		fmt.Fprintf(a.out, "\nDry run (%s): nothing was sent.\n", why)
		return 0, nil
	}
	if !yes || p.Confirm != "" {
		if err := a.confirm(p, yes, rerun); err != nil {
			return 0, err
		}
	}
	session, err := a.newSession(ctx, k, p.Permissions, func(dc facts.SignInPrompt) {
		fmt.Fprintf(a.errOut, "The fix needs %s: sign in again to consent.\n%s\n", strings.Join(p.Permissions, ", "),
			dc.Message)
	})
	if err != nil {
		return 0, err
	}
	session.Operator = operator
	if wantTenant != "" && !strings.EqualFold(wantTenant, session.Tenant) {
		return 0, fmt.Errorf("journal entry %s was made in tenant %s, but you are signed in to %s: sign in to that tenant "+
			"(--tenant-id) to undo it", p.Undoes, wantTenant, session.Tenant)
	}
	path := session.Journal.Path()
	if w := fix.StateDirWarning(path); w != "" {
		fmt.Fprintln(a.errOut, w)
	}
	fmt.Fprintln(a.out)
	out, err := session.Apply(ctx, p, func(ev fix.Event) {
		if ev.Sent {
			fmt.Fprintf(a.out, "  %s\n", ev.Outcome)
			return
		}
		fmt.Fprintf(a.out, "[%d/%d] %s %s ...", ev.Step, ev.Of, ev.Request.Method(), ev.Request.URL())
	})
	if err != nil {
		return 0, err
	}
	report := func(format string, args ...any) { fmt.Fprintf(a.out, format, args...) }
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
		report("Not applied (%s): %s\n", out.Result, strings.Join(strings.Fields(out.Err.Error()), " "))
	}
	if out.JournalID != "" {
		report("Journal: %s in %s\n", out.JournalID, path)
		if out.Result == fix.Applied || out.Result == fix.Partial || out.Result == fix.Unknown {
			if p.Undoes == "" && p.Reversible {
				report("Undo with: %s\n", a.undoCommand(out.JournalID, session.Tenant))
			}
			if a.cfg.Demo && p.Undoes == "" && p.Reversible {
				report("(Demo: the demo tenant starts afresh with every run, so a later undo finds nothing to revert.)\n")
			}
		}
	}
	writeRechecked(a.out, out.Rechecked)
	if out.Result == fix.Applied || out.Result == fix.AlreadyApplied {
		return 0, nil
	}
	return 1, nil
}

// confirm asks for the word yes on the terminal, or for the device's name when the plan asks for it
// (then --yes, given as yes, does not stand in for it); without a terminal it refuses.
func (a *App) confirm(p *fix.Plan, yes bool, rerun func(extra ...string) string) error {
	f, ok := terminal(a.cfg.Stdin)
	if !ok {
		if p.Confirm != "" {
			return fmt.Errorf("refusing to delete %s without its name typed on a terminal (--yes is not enough for a "+
				"record whose BitLocker keys or LAPS password go with it): run the fix again on a terminal", p.Confirm)
		}
		return fmt.Errorf("refusing to write without confirmation: standard input is not a terminal; review the plan "+
			"with %s, then confirm with %s", rerun("--dry-run"), rerun("--yes"))
	}
	n := len(p.Requests)
	what := map[bool]string{true: "this request", false: fmt.Sprintf("these %d requests", n)}[n == 1]
	if p.Confirm != "" {
		fmt.Fprintf(a.errOut, "\nType the device's name (%s) to send %s to Microsoft Graph: ", p.Confirm, what)
	} else {
		fmt.Fprintf(a.errOut, "\nType yes to send %s to Microsoft Graph: ", what)
	}
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read the confirmation: %w", err)
	}
	if p.Confirm != "" {
		if !p.Type(line) {
			return fmt.Errorf("not confirmed: %q is not the device's name %s; nothing was sent", strings.TrimSpace(line),
				p.Confirm)
		}
		return nil
	}
	if strings.TrimSpace(line) != "yes" {
		return errors.New("not confirmed: nothing was sent")
	}
	return nil
}

// undoCommand is the command that undoes a run in tenant.
func (a *App) undoCommand(id, tenant string) string { return a.command(tenant, "undo", id) }

// command is an mdmdoctor command line to run next, complete: args, then the flags that reach the same
// tenant (Reach), each word quoted for the shell.
func (a *App) command(tenant string, args ...string) string {
	words := append(append([]string{"mdmdoctor"}, args...), a.Reach(tenant)...)
	for i, w := range words {
		words[i] = shellWord(checks.Printable(w)) // a tenant id is Graph's data
	}
	return strings.Join(words, " ")
}

// Reach are the flags that reach the same tenant again: --demo, --tenant-id (tenant, or the one given when
// tenant is ""), --cloud and --graph-url as this application was built.
func (a *App) Reach(tenant string) []string {
	c := a.cfg
	var out []string
	if c.Demo {
		out = append(out, "--demo")
	}
	if tenant == "" {
		tenant = c.TenantID
	}
	if tenant != "" {
		out = append(out, "--tenant-id", tenant)
	}
	if c.Cloud != "" && c.Cloud != "public" {
		out = append(out, "--cloud", c.Cloud)
	}
	if c.GraphURL != "" {
		out = append(out, "--graph-url", c.GraphURL)
	}
	return out
}

// shellWord quotes s for a POSIX shell when it holds anything but plain word characters.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fixArgs are the fix command's arguments for o, then extra.
func (a *App) fixArgs(o FixOptions, extra ...string) []string {
	out := []string{"fix", o.ID, "--user", o.User}
	ch := o.Choices
	for _, f := range []struct{ flag, value string }{{"--group", ch.Group}, {"--sku", ch.SKU},
		{"--usage-location", ch.UsageLocation}, {"--device", ch.Device}, {"--dsregcmd", a.cfg.Dsregcmd}} {
		if f.value != "" {
			out = append(out, f.flag, f.value)
		}
	}
	for _, g := range ch.ExcludeGroups {
		out = append(out, "--exclude-group", g)
	}
	for _, u := range ch.ExcludeUsers {
		out = append(out, "--exclude-user", u)
	}
	return append(out, extra...)
}

// guide shows a guided fix's current state and, with Wait, probes again until it resolves.
func (a *App) guide(ctx context.Context, o FixOptions, k checker, p *fix.Plan) (int, error) {
	if !o.Wait {
		_, results := k.Check(ctx, p.Checks)
		writeRechecked(a.out, fix.Only(results, p.Checks))
		fmt.Fprintf(a.out, "Once the record is published, probe DNS until it resolves with: %s\n",
			a.command("", a.fixArgs(o, "--wait")...))
		return 0, nil
	}
	timeout := a.cfg.Timeout
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fmt.Fprintf(a.out, "\nWaiting up to %s for the record to resolve (DNS changes take up to the record's TTL, "+
		"sometimes longer)...\n", timeout)
	results, ok := fix.WaitResolved(ctx, k, p.Checks, waitInterval(timeout), func(rs []checks.Result) {
		fmt.Fprintf(a.out, "%s  ", a.Now().Format("15:04:05"))
		var parts []string
		for _, r := range rs {
			parts = append(parts, r.ID+" "+r.Status.String())
		}
		fmt.Fprintln(a.out, strings.Join(parts, ", "))
	})
	writeRechecked(a.out, results)
	if !ok {
		fmt.Fprintf(a.out, "Not resolving yet after %s: check the record at your DNS host, then wait longer with: %s\n",
			timeout, a.command("", a.fixArgs(o, "--wait", "--timeout", (2*timeout).String())...))
		return 1, nil
	}
	fmt.Fprintln(a.out, "Resolved.")
	return 0, nil
}

// waitInterval spaces DNS probes: often enough to notice a change, rarely enough to spare the servers.
func waitInterval(timeout time.Duration) time.Duration {
	return min(max(timeout/20, time.Second), 30*time.Second)
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
		fmt.Fprintf(w, "  %s %-5s %s%s: %s\n", r.Status.Symbol(), strings.ToUpper(r.Status.String()), r.ID, subject,
			r.Summary)
	}
}

package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/report"
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
	a, err := openApp(ctx, c, s, true)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	return a.Fix(ctx, app.FixOptions{ID: id, User: c.User, Choices: ff.choices, Wait: ff.wait, DryRun: c.DryRun, Yes: c.Yes})
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
	a, err := openApp(ctx, c, s, false)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	return a.Undo(ctx, app.UndoOptions{ID: id, List: *list, DryRun: c.DryRun, Yes: c.Yes})
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

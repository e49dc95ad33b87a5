package fix_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/fix"
)

// fullDisk accepts n bytes, then fails with ENOSPC as a full disk does: the write it fails on is
// cut short, the way a crash or a power loss leaves the journal's last line.
type fullDisk struct {
	w io.Writer
	n *int
}

func (d fullDisk) Write(p []byte) (int, error) {
	if len(p) <= *d.n {
		*d.n -= len(p)
		return d.w.Write(p)
	}
	k, _ := d.w.Write(p[:*d.n])
	*d.n = 0
	return k, &os.PathError{Op: "write", Path: "journal", Err: syscall.ENOSPC}
}

// TestTornLastLineCostsOnlyItself: the disk fills up in the middle of a run's entry; the next run
// starts a line of its own, so it, and the runs before, can still be undone.
func TestTornLastLineCostsOnlyItself(t *testing.T) {
	e := newEnv(t, "contoso", nil, nil)
	first := e.apply("bob@contoso.com", e.plan("bob@contoso.com", "scope.mdm.add-user-to-group", fix.Choices{}))
	if first.Result != fix.Applied {
		t.Fatalf("first run %+v", first)
	}
	room := 40
	fix.WrapJournalWrites(e.journal, func(w io.Writer) io.Writer { return fullDisk{w, &room} })
	p := e.plan("bob@contoso.com", "license.assign", fix.Choices{})
	e.srv.ResetRequests()
	if _, err := e.session("bob@contoso.com").Apply(context.Background(), p, nil); err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "nothing was written to the tenant") {
		t.Fatalf("apply on a full disk: %v", err)
	}
	e.wantWrites()
	raw, _ := os.ReadFile(e.journal.Path())
	if bytes.HasSuffix(raw, []byte("\n")) {
		t.Fatal("the test did not tear the last line")
	}
	fix.WrapJournalWrites(e.journal, nil)

	// Space again: the next run is journaled whole, after the torn line.
	u, err := e.undo("")
	if err != nil || u.Undoes != first.JournalID || !strings.HasPrefix(u.Title, "Revert: ") {
		t.Fatalf("undo after the torn line: %+v %v", u, err)
	}
	back := e.apply("bob@contoso.com", u)
	if back.Result != fix.Applied || len(e.entries(back.JournalID)) != 4 {
		t.Fatalf("undo run %+v: entries %s", back, kinds(e.entries(back.JournalID)))
	}
	entries, err := e.journal.Entries()
	if err != nil {
		t.Fatal(err)
	}
	runs := fix.Runs(entries)
	if len(runs) != 2 || runs[0].UndoneBy != back.JournalID {
		t.Errorf("runs after the torn line: %d, first undone by %q", len(runs), runs[0].UndoneBy)
	}
}

// TestOverLongLineDoesNotBreakUndo: a line far longer than any entry (a bad copy, an editor's
// accident) is skipped; the runs around it are read.
func TestOverLongLineDoesNotBreakUndo(t *testing.T) {
	e := newEnv(t, "contoso", nil, nil)
	first := e.apply("bob@contoso.com", e.plan("bob@contoso.com", "scope.mdm.add-user-to-group", fix.Choices{}))
	f, err := os.OpenFile(e.journal.Path(), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write(append(bytes.Repeat([]byte("x"), 20<<20), '\n'))
	f.Close()
	u, err := e.undo("")
	if err != nil || u.Undoes != first.JournalID {
		t.Fatalf("undo past a 20 MiB line: %+v %v", u, err)
	}
}

// TestJournalRefusesASymlink: a link planted at the journal's path would send its lines elsewhere.
func TestJournalRefusesASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	if err := os.WriteFile(target, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "journal.jsonl")
	if err := os.Symlink(target, path); err != nil {
		t.Skip("no symlinks here:", err)
	}
	j := fix.OpenJournal(path)
	if err := j.Append(fix.Entry{ID: "x", Kind: fix.KindBegin, Time: time.Now()}); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("append through a symlink: %v", err)
	}
	if _, err := j.Entries(); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("read through a symlink: %v", err)
	}
	if b, _ := os.ReadFile(target); len(b) != 0 {
		t.Errorf("the link's target was written: %q", b)
	}
}

// TestJournalModeAndStateDirWarning: a journal found with wider permissions is narrowed to 0600; a
// state directory others may write is warned about.
func TestJournalModeAndStateDirWarning(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mdmdoctor")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "journal.jsonl")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := fix.OpenJournal(path).Append(fix.Entry{ID: "x", Kind: fix.KindBegin}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v", fi.Mode().Perm())
	}
	if w := fix.StateDirWarning(path); w != "" {
		t.Errorf("warning on a private directory: %s", w)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if w := fix.StateDirWarning(path); !strings.Contains(w, "writable by other users") || !strings.Contains(w, dir) {
		t.Errorf("warning on a world-writable directory: %q", w)
	}
}

// journalLines writes a journal from raw lines and returns its entries.
func journalLines(t *testing.T, lines ...string) (*fix.Journal, []fix.Entry) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	j := fix.OpenJournal(path)
	entries, err := j.Entries()
	if err != nil {
		t.Fatal(err)
	}
	return j, entries
}

// crafted is a journaled run of fixID whose one step sent req, with the state before it.
func crafted(id, tenant, fixID string, req checks.Request, before string) []string {
	plan, _ := json.Marshal(fix.Plan{Fix: fixID, Title: "t", User: "bob@contoso.com", Requests: []checks.Request{req}})
	r, _ := json.Marshal(req)
	return []string{
		`{"id":"` + id + `","seq":1,"time":"2026-11-25T18:00:00Z","kind":"begin","fix":"` + fixID + `","tenant":"` + tenant + `","plan":` + string(plan) + `}`,
		`{"id":"` + id + `","seq":2,"time":"2026-11-25T18:00:01Z","kind":"before","fix":"` + fixID + `","tenant":"` + tenant + `","step":1,"request":` + string(r) + `,"before":` + before + `}`,
		`{"id":"` + id + `","seq":3,"time":"2026-11-25T18:00:02Z","kind":"after","fix":"` + fixID + `","tenant":"` + tenant + `","step":1,"status":200,"outcome":"applied"}`,
		`{"id":"` + id + `","seq":4,"time":"2026-11-25T18:00:03Z","kind":"end","fix":"` + fixID + `","tenant":"` + tenant + `","outcome":"applied"}`,
	}
}

// TestUndoTrustsTheJournalOnlyAsFarAsTheFix: a crafted entry cannot make undo PATCH arbitrary user
// properties or reach paths its fix never sends; an entry without a tenant is refused.
func TestUndoTrustsTheJournalOnlyAsFarAsTheFix(t *testing.T) {
	const tenant = "11111111-1111-4111-8111-111111111111"
	const root, user = "https://graph.microsoft.com", "d91731c4-e2fb-4ee9-a119-b64659a0b445"
	for _, tc := range []struct {
		name  string
		lines []string
		want  string
	}{
		{"a user property the fix never sets",
			crafted("r1", tenant, "license.assign", checks.PatchUser(root, user, json.RawMessage(`{"accountEnabled":false}`)), `{"accountEnabled":true}`),
			`journal line 2 (step 1) holds PATCH /v1.0/users/d91731c4-e2fb-4ee9-a119-b64659a0b445, which license.assign does not send (it sets "accountEnabled")`},
		{"a request of another fix",
			crafted("r2", tenant, "scope.urls.reset", checks.PatchUser(root, user, json.RawMessage(`{"usageLocation":"GB"}`)), `{"usageLocation":"US"}`),
			"which scope.urls.reset does not send"},
		{"no tenant",
			crafted("r3", "", "license.assign", checks.PatchUser(root, user, json.RawMessage(`{"usageLocation":"GB"}`)), `{"usageLocation":"US"}`),
			"journal line 1) names no tenant"},
		{"a fix mdmdoctor does not have",
			crafted("r4", tenant, "users.make-admin", checks.PatchUser(root, user, json.RawMessage(`{"usageLocation":"GB"}`)), `{}`),
			`names the fix "users.make-admin"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, entries := journalLines(t, tc.lines...)
			run, err := fix.FindRun(entries, entries[0].ID, j.Path())
			if err != nil {
				t.Fatal(err)
			}
			_, err = fix.PlanUndo(run, j.Path())
			var cannot *fix.CannotUndoError
			if !errors.As(err, &cannot) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("undo of a crafted entry: %v\nwant %q", err, tc.want)
			}
		})
	}
	// The same entry as license.assign writes it is undone.
	j, entries := journalLines(t, crafted("ok", tenant, "license.assign", checks.PatchUser(root, user, json.RawMessage(`{"usageLocation":"GB"}`)), `{"usageLocation":"US"}`)...)
	run, err := fix.FindRun(entries, "", j.Path())
	if err != nil {
		t.Fatal(err)
	}
	p, err := fix.PlanUndo(run, j.Path())
	if err != nil || len(p.Requests) != 1 || string(p.Requests[0].Body) != `{"usageLocation":"US"}` || p.Title != "Revert: t" {
		t.Errorf("undo of a genuine entry: %+v %v", p, err)
	}
}

// TestUndoWithoutIDLeavesServedRuns: undo without an ID takes the newest run of the command line, not a
// newer one an operator made through mdmdoctor serve, which its ID still reaches; with only served runs
// it says how to name one.
func TestUndoWithoutIDLeavesServedRuns(t *testing.T) {
	const tenant = "11111111-1111-4111-8111-111111111111"
	const root, user = "https://graph.microsoft.com", "d91731c4-e2fb-4ee9-a119-b64659a0b445"
	local := crafted("20261125-180000-aaaaaa", tenant, "license.assign",
		checks.PatchUser(root, user, json.RawMessage(`{"usageLocation":"GB"}`)), `{"usageLocation":"US"}`)
	served := crafted("20261125-190000-bbbbbb", tenant, "license.assign",
		checks.PatchUser(root, user, json.RawMessage(`{"usageLocation":"FR"}`)), `{"usageLocation":"GB"}`)
	served[0] = strings.Replace(served[0], `"kind":"begin",`, `"kind":"begin","via":"ssh alice SHA256:x",`, 1)
	j, entries := journalLines(t, append(slices.Clone(local), served...)...)
	if run, err := fix.FindRun(entries, "", j.Path()); err != nil || run.ID != "20261125-180000-aaaaaa" {
		t.Fatalf("undo without an ID took %v (%v), want the command line's run", run, err)
	}
	if run, err := fix.FindRun(entries, "20261125-190000-bbbbbb", j.Path()); err != nil || run.Begin.Via == "" {
		t.Fatalf("the served run by its ID: %v %v", run, err)
	}
	j, entries = journalLines(t, served...)
	if _, err := fix.FindRun(entries, "", j.Path()); err == nil ||
		!strings.Contains(err.Error(), "1 made through mdmdoctor serve are their operators': name one by its ID") {
		t.Fatalf("only a served run: %v", err)
	}
}

// TestUndoListAndNewestUndoable: undo without an ID skips a newer run that cannot be undone (a
// deleted device); the list says which can and why not, newest first.
func TestUndoListAndNewestUndoable(t *testing.T) {
	const tenant = "11111111-1111-4111-8111-111111111111"
	const root, user = "https://graph.microsoft.com", "d91731c4-e2fb-4ee9-a119-b64659a0b445"
	lines := crafted("20261125-180000-aaaaaa", tenant, "license.assign", checks.PatchUser(root, user, json.RawMessage(`{"usageLocation":"GB"}`)), `{"usageLocation":"US"}`)
	lines = append(lines, crafted("20261125-190000-bbbbbb", tenant, "devices.duplicates.delete-stale",
		checks.DeleteDevice(root, "bddbcba3-9d08-444c-8520-91153c0b5749"), `{"device":{"id":"bddbcba3-9d08-444c-8520-91153c0b5749"}}`)...)
	j, entries := journalLines(t, lines...)
	run, err := fix.FindRun(entries, "", j.Path())
	if err != nil || run.ID != "20261125-180000-aaaaaa" {
		t.Fatalf("newest undoable: %v %v", run, err)
	}
	var b strings.Builder
	if err := fix.WriteRunList(&b, entries, j.Path()); err != nil {
		t.Fatal(err)
	}
	out := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(out) != 3 || !strings.HasPrefix(out[1], "20261125-190000-bbbbbb") || !strings.Contains(out[1], "no: step 1 (DELETE") ||
		!strings.HasPrefix(out[2], "20261125-180000-aaaaaa") || !strings.HasSuffix(out[2], "yes") {
		t.Errorf("undo --list:\n%s", b.String())
	}
}

package fix_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// Role template ids the tests give the demo operators.
const (
	globalAdmin = "62e90394-69f5-4237-9190-012177145e10"
	globalRead  = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
)

// graphIO is the real graph client as the fix package's Writer and Reader, as the CLI wires it.
type graphIO struct{ c *graph.Client }

func (g graphIO) Send(ctx context.Context, r checks.Request) (graph.Response, error) {
	resp, err := g.c.Send(ctx, r.Method(), r.URL(), r.Body)
	return resp, err
}

func (g graphIO) Get(ctx context.Context, u string) (graph.Response, error) {
	resp, err := g.c.Send(ctx, "GET", u, nil)
	return resp, err
}

// checker runs the catalog for one user over the graph client (and DNS readers when given).
type checker struct {
	user    string
	readers []facts.Reader
}

func (k checker) Check(ctx context.Context, ids []string) (*facts.Facts, []checks.Result) {
	t := facts.Target{Kind: facts.TargetUser, User: k.user, Domains: []string{k.user[strings.LastIndex(k.user, "@")+1:]}}
	f := facts.New("public", t, time.Now())
	return f, checks.Run(ctx, f, facts.Gather(ctx, t, k.readers...), checks.Options{Only: ids}, nil)
}

// env is one demo tenant served by the fake Graph, a client on it and a journal.
type env struct {
	t       *testing.T
	srv     *graphtest.Server
	client  *graph.Client
	journal *fix.Journal
	token   string
}

// newEnv serves a demo tenant; wids, when given, replace the operator's directory roles; edit, when
// not nil, changes the tenant before it is served.
func newEnv(t *testing.T, tenant string, wids []string, edit func(*graphtest.Tenant)) *env {
	t.Helper()
	tn, err := graphtest.Load(os.DirFS("../testdata/demo"), tenant+".json")
	if err != nil {
		t.Fatal(err)
	}
	if wids != nil {
		tn.Operator.RoleTemplateIDs = wids
	}
	if edit != nil {
		edit(tn)
	}
	srv, err := graphtest.NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := graph.New(context.Background(), graph.Config{Auth: graph.AuthToken, AccessToken: srv.Token(), GraphURL: srv.URL(), StateDir: t.TempDir(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, client: c, journal: fix.OpenJournal(filepath.Join(t.TempDir(), "state", "mdmdoctor", "journal.jsonl")), token: srv.Token()}
}

func (e *env) session(user string) *fix.Session {
	return &fix.Session{Writer: graphIO{e.client}, Reader: graphIO{e.client}, Checker: checker{user: user, readers: []facts.Reader{e.client}},
		Journal: e.journal, Operator: "admin@contoso.com", Tenant: "11111111-1111-4111-8111-111111111111"}
}

// plan checks the user and plans the fix with the choices.
func (e *env) plan(user, id string, ch fix.Choices) *fix.Plan {
	e.t.Helper()
	f, results := e.session(user).Checker.Check(context.Background(), nil)
	d, err := fix.NewDraft(f, results, id)
	if err != nil {
		e.t.Fatalf("%s for %s: %v", id, user, err)
	}
	p, err := d.Plan(ch)
	if err != nil {
		e.t.Fatalf("plan %s for %s: %v", id, user, err)
	}
	return p
}

// apply applies a plan and fails the test on an error before any write.
func (e *env) apply(user string, p *fix.Plan) *fix.Outcome {
	e.t.Helper()
	e.srv.ResetRequests()
	out, err := e.session(user).Apply(context.Background(), p, nil)
	if err != nil {
		e.t.Fatalf("apply %s: %v", p.Fix, err)
	}
	return out
}

// undo plans the undo of a journaled run (the latest when id is empty).
func (e *env) undo(id string) (*fix.Plan, error) {
	entries, err := e.journal.Entries()
	if err != nil {
		e.t.Fatal(err)
	}
	run, err := fix.FindRun(entries, id, e.journal.Path())
	if err != nil {
		return nil, err
	}
	return fix.PlanUndo(run, e.journal.Path())
}

// sent is a request the fake Graph received, as a test spells it.
type sent struct{ method, path, body string }

// writes lists the writes the server received since the last reset: every request but reads and
// the $batch posts that carry them.
func (e *env) writes() []sent {
	var out []sent
	for _, r := range e.srv.Requests() {
		if r.Method == "GET" || r.Batch || strings.HasSuffix(r.Path, "/$batch") {
			continue
		}
		out = append(out, sent{r.Method, r.Path, compact(r.Body)})
	}
	return out
}

func (e *env) wantWrites(want ...sent) {
	e.t.Helper()
	got := e.writes()
	if len(got) != len(want) {
		e.t.Fatalf("writes sent:\n%v\nwant:\n%v", got, want)
	}
	for i := range want {
		if got[i].method != want[i].method || got[i].path != want[i].path || (want[i].body != "" && got[i].body != compact([]byte(want[i].body))) {
			e.t.Errorf("write %d: %v\nwant %v", i+1, got[i], want[i])
		}
	}
}

func compact(b []byte) string {
	var v any
	if len(b) == 0 || json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// entries returns the journal's entries of one run.
func (e *env) entries(id string) []fix.Entry {
	e.t.Helper()
	all, err := e.journal.Entries()
	if err != nil {
		e.t.Fatal(err)
	}
	var out []fix.Entry
	for _, x := range all {
		if x.ID == id {
			out = append(out, x)
		}
	}
	return out
}

// kinds lists entries as kind/outcome, e.g. "before", "after:applied".
func kinds(es []fix.Entry) string {
	var parts []string
	for _, x := range es {
		s := x.Kind
		if x.Outcome != "" {
			s += ":" + x.Outcome
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// status is the worst status among the results of one check.
func status(rs []checks.Result, id string) checks.Status {
	st, found := checks.Status(-1), false
	for _, r := range rs {
		if r.ID == id && (!found || r.Status.Severity() < st.Severity()) {
			st, found = r.Status, true
		}
	}
	return st
}

// tenantObject finds an object of the served tenant by a property.
func (e *env) tenantObject(pick func(*graphtest.Tenant) []graphtest.Object, key, value string) graphtest.Object {
	var out graphtest.Object
	e.srv.Update(func(tn *graphtest.Tenant) {
		for _, o := range pick(tn) {
			if o[key] == value {
				out = o
			}
		}
	})
	return out
}

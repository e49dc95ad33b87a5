package fix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// Session applies plans for one operator in one tenant.
type Session struct {
	Writer  Writer
	Reader  Reader
	Checker Checker
	Journal *Journal
	// Operator and Tenant are journaled with every entry. An empty Operator is read from the token's
	// claims in the pre-flight's facts.
	Operator string
	Tenant   string
	// Via names the session the operator came through when the sign-in alone does not say it (a served
	// session's SSH user and key fingerprint); journaled with every entry.
	Via string
	// Now dates the journal entries; time.Now when nil.
	Now func() time.Time
}

// StateChangedError says the state a plan depends on changed since the check: nothing was written.
type StateChangedError struct {
	Reason string
	// results are the affected checks as the pre-flight found them.
	results []checks.Result
}

func (e *StateChangedError) Error() string {
	return "the tenant changed since the check (" + e.Reason + "): nothing was written; re-check and plan the fix again"
}

// NameError says the plan asks for a device's name to be typed and it was not, or not rightly:
// nothing was written.
type NameError struct{ Want string }

func (e *NameError) Error() string {
	return fmt.Sprintf("not confirmed: type the device's name %q to delete it; nothing was sent", e.Want)
}

// StepResult is what became of one planned request.
type StepResult struct {
	Request   checks.Request
	Outcome   string
	Status    int
	RequestID string
	Error     string
	// before is the state journaled before the write.
	before json.RawMessage
}

// Outcome is what applying a plan did.
type Outcome struct {
	// JournalID names the run in the journal; empty when nothing was journaled (already applied at
	// pre-flight, or a guided fix).
	JournalID string
	// Result is Applied, AlreadyApplied, Partial, Failed or Unknown.
	Result string
	Steps  []StepResult
	// Rechecked are the fresh results of the affected checks.
	Rechecked []checks.Result
	// Err explains a write that did not succeed.
	Err error
}

// Event reports progress: a request about to be sent (Sent false) or done with (Sent true; when its
// change was in place already, Outcome is AlreadyApplied and nothing was sent).
type Event struct {
	Step, Of int
	Request  checks.Request
	Sent     bool
	Outcome  string
}

// Apply applies p: the pre-flight, then each request with a journal entry before (the object's
// state) and after (Graph's answer) it, stopping at the first that does not succeed, then the
// affected checks again. It returns an error, with nothing written, when the state changed since
// the check (*StateChangedError) or could not be read; a write that fails is in Outcome.Err.
// progress, when not nil, is called from this goroutine.
func (s *Session) Apply(ctx context.Context, p *Plan, progress func(Event)) (*Outcome, error) {
	if progress == nil {
		progress = func(Event) {}
	}
	if p.Guided() {
		return nil, errors.New("this fix is steps to follow, not Graph requests: nothing to apply")
	}
	if !p.confirmed() {
		return nil, &NameError{Want: p.Confirm}
	}
	out := &Outcome{}
	operator := s.Operator
	if p.Undoes == "" {
		fresh, op, err := s.preflight(ctx, p)
		var changed *StateChangedError
		if errors.As(err, &changed) {
			// Changed, maybe by this very fix run before: then every step holds already.
			held, herr := s.allHold(ctx, p.steps)
			if herr != nil {
				return nil, herr
			}
			if held {
				out.Result = AlreadyApplied
				out.Rechecked = changed.results
				return out, nil
			}
		}
		if err != nil {
			return nil, err
		}
		// The re-planned fix sends the same requests; what the operator saw and typed stays.
		fresh.Notes, fresh.Confirm, fresh.typed = p.Notes, p.Confirm, p.typed
		p = fresh
		if operator == "" {
			operator = op
		}
	}
	id := newRunID(s.now())
	out.JournalID = id
	seq := 0
	entry := func(e Entry) error {
		seq++
		e.ID, e.Seq, e.Time, e.Fix, e.Operator, e.Tenant, e.User, e.Undoes = id, seq, s.now(), p.Fix, operator, s.Tenant, p.User, p.Undoes
		e.Via = s.Via
		return s.Journal.Append(e)
	}
	if err := entry(Entry{Kind: KindBegin, Plan: p}); err != nil {
		return nil, fmt.Errorf("%w: nothing was written to the tenant", err)
	}
	var notSent []int
	for i, st := range p.steps {
		if out.Err != nil {
			notSent = append(notSent, i+1)
			out.Steps = append(out.Steps, StepResult{Request: st.req, Outcome: NotSent})
			continue
		}
		st.named = p.Confirm != "" && p.confirmed()
		r, err := s.step(ctx, i, len(p.steps), st, entry, progress)
		out.Steps = append(out.Steps, r)
		if err != nil {
			out.Err = err
		}
	}
	out.Result = summarize(out.Steps)
	end := Entry{Kind: KindEnd, Outcome: out.Result, NotSent: notSent}
	if out.Err != nil {
		end.Error = out.Err.Error()
	}
	if err := entry(end); err != nil && out.Err == nil {
		out.Err = err
	}
	if s.Checker != nil && ctx.Err() == nil {
		_, results := s.Checker.Check(ctx, p.Checks)
		out.Rechecked = reconcile(Only(results, p.Checks), p.Fix, changedDevices(out.Steps))
	}
	return out, nil
}

// preflight runs the checks again and plans the fix anew with the same choices: the plan must come
// out the same, or the state it was made from has changed. It also returns the signed-in operator.
func (s *Session) preflight(ctx context.Context, p *Plan) (*Plan, string, error) {
	if s.Checker == nil {
		return p, "", nil
	}
	f, results := s.Checker.Check(ctx, Offering(p.Fix))
	if err := ctx.Err(); err != nil {
		return nil, "", fmt.Errorf("the pre-flight check was interrupted (%w): nothing was written", err)
	}
	operator := ""
	if f != nil && f.Operator != nil {
		operator = f.Operator.UserPrincipalName
	}
	affected := Only(results, p.Checks)
	d, err := NewDraft(f, results, p.Fix)
	if err != nil {
		var no *NotOfferedError
		if errors.As(err, &no) {
			return nil, operator, &StateChangedError{Reason: no.Error(), results: affected}
		}
		return nil, operator, err
	}
	d.extra = p.extra
	fresh, err := d.Plan(p.choices)
	if err != nil {
		return nil, operator, &StateChangedError{Reason: err.Error(), results: affected}
	}
	if !sameRequests(fresh.Requests, p.Requests) {
		return nil, operator, &StateChangedError{Reason: "the fix would now send different requests", results: affected}
	}
	return fresh, operator, nil
}

// allHold reports whether the state already shows what every step would make of it.
func (s *Session) allHold(ctx context.Context, steps []step) (bool, error) {
	for _, st := range steps {
		state, err := st.readState(ctx, s.Reader)
		if err != nil {
			return false, err
		}
		if !st.holds(state) {
			return false, nil
		}
	}
	return len(steps) > 0, nil
}

// step sends one request: its state read and journaled first, then the write, then Graph's answer.
func (s *Session) step(ctx context.Context, i, of int, st step, entry func(Entry) error, progress func(Event)) (StepResult, error) {
	r := StepResult{Request: st.req}
	before, err := st.readState(ctx, s.Reader)
	if err != nil {
		r.Outcome, r.Error = NotSent, err.Error()
		return r, fmt.Errorf("%w; nothing more was sent", err)
	}
	// An object already back where the undo would put it is undone, not changed: nothing to send.
	if why := st.changedSince(before); why != "" && !st.holds(before) {
		r.Outcome, r.Error = NotSent, why
		return r, &StateChangedError{Reason: why}
	}
	if ds, ok := secretsAt(before); st.req.Op == checks.OpDeleteDevice && ok && !ds.gone() && len(ds.hazards()) > 0 && !st.named {
		why := "deleting it would delete what Entra holds for " +
			"the device (" + strings.Join(ds.hazards(), " ") + "); plan the fix again with 'mdmdoctor fix " +
			"devices.duplicates.delete-stale' on a terminal, which asks for the device's name"
		r.Outcome, r.Error = NotSent, why
		return r, fmt.Errorf("request %d of %d (%s %s) was not sent: %s", i+1, of, st.req.Method(), st.req.Path(), why)
	}
	if why := st.blocked(before); why != "" {
		r.Outcome, r.Error = NotSent, why
		return r, fmt.Errorf("request %d of %d (%s %s) was not sent: %s", i+1, of, st.req.Method(), st.req.Path(), why)
	}
	if st.req.Op == checks.OpPutRegistration && !st.holds(before) && !sameObject(withField(before, "multiFactorAuthConfiguration", mfaField(st.req.Body)), st.req.Body) {
		r.Outcome = NotSent
		err := &StateChangedError{Reason: "the device registration policy differs from the one the plan sends back"}
		r.Error = err.Error()
		return r, err
	}
	req := st.req
	r.before = before
	if err := entry(Entry{Kind: KindBefore, Step: i + 1, Request: &req, Before: before}); err != nil {
		r.Outcome, r.Error = NotSent, err.Error()
		return r, fmt.Errorf("%w: the request was not sent", err)
	}
	after := Entry{Kind: KindAfter, Step: i + 1}
	progress(Event{Step: i + 1, Of: of, Request: req})
	if st.holds(before) {
		r.Outcome = AlreadyApplied
		after.Outcome = AlreadyApplied
		progress(Event{Step: i + 1, Of: of, Request: req, Sent: true, Outcome: AlreadyApplied})
		return r, entry(after)
	}
	resp, sendErr := s.Writer.Send(ctx, req)
	var failure error
	switch {
	case sendErr != nil:
		r.Outcome, r.Error = Unknown, sendErr.Error()
		failure = fmt.Errorf("request %d of %d (%s %s) got no answer: %w", i+1, of, req.Method(), req.Path(), sendErr)
	case resp.Status < 300:
		r.Outcome = Applied
		if st.req.Op == checks.OpCreateCA {
			after.Result = json.RawMessage(resp.Body)
		}
	case st.alreadyDone(resp):
		r.Outcome = AlreadyApplied
	default:
		r.Outcome, r.Error = Failed, graphSaid(resp)
		failure = fmt.Errorf("request %d of %d (%s %s) was "+
			"refused: %s%s", i+1, of, req.Method(), req.Path(), graphSaid(resp), advice(resp.Status))
	}
	r.Status, r.RequestID = resp.Status, resp.RequestID
	after.Status, after.RequestID, after.Outcome, after.Error = resp.Status, resp.RequestID, r.Outcome, r.Error
	progress(Event{Step: i + 1, Of: of, Request: req, Sent: true, Outcome: r.Outcome})
	if err := entry(after); err != nil && failure == nil {
		failure = fmt.Errorf("%w: the request was sent (%s) but its answer is not journaled", err, r.Outcome)
	}
	return r, failure
}

// advice says what to do about a refused write.
func advice(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return ": the sign-in expired; sign in again"
	case http.StatusForbidden:
		return ": the operator's role or consented scopes do not allow this write (see operator.permissions); ask an " +
			"administrator holding the role, or activate it and sign in again"
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return ": Graph is busy; wait a minute and run the fix again"
	}
	return ""
}

// summarize sums up the steps of a run.
func summarize(steps []StepResult) string {
	count := map[string]int{}
	for _, s := range steps {
		count[s.Outcome]++
	}
	ok := count[Applied] + count[AlreadyApplied]
	switch {
	case ok == len(steps) && count[Applied] == 0:
		return AlreadyApplied
	case ok == len(steps):
		return Applied
	case count[Applied] > 0:
		return Partial
	case count[Unknown] > 0:
		return Unknown
	}
	return Failed
}

// Only keeps the results of the named checks (a plan's Checks, the ones it re-runs).
func Only(results []checks.Result, ids []string) []checks.Result {
	var out []checks.Result
	for _, r := range results {
		if slices.Contains(ids, r.ID) {
			out = append(out, r)
		}
	}
	return out
}

// sameRequests compares two request lists, bodies as JSON.
func sameRequests(a, b []checks.Request) bool {
	return slices.EqualFunc(a, b, func(x, y checks.Request) bool {
		if x.Method() != y.Method() || x.URL() != y.URL() || (len(x.Body) == 0) != (len(y.Body) == 0) {
			return false
		}
		return len(x.Body) == 0 || sameObject(x.Body, y.Body)
	})
}

func (s *Session) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

package fix

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// Run is one journaled application of a plan (a fix or an undo), its entries gathered.
type Run struct {
	ID    string
	Begin Entry
	Steps []RunStep
	// End is nil when the run was cut short before it could write its end.
	End *Entry
	// UndoneBy names the run that reverted this one.
	UndoneBy string
}

// RunStep is one request of a run: its before entry and, once answered, its after entry.
type RunStep struct {
	Before Entry
	After  *Entry
}

// Runs gathers journal entries into runs, oldest first.
func Runs(entries []Entry) []*Run {
	byID := map[string]*Run{}
	var out []*Run
	for _, e := range entries {
		r := byID[e.ID]
		if r == nil {
			r = &Run{ID: e.ID}
			byID[e.ID] = r
			out = append(out, r)
		}
		switch e.Kind {
		case KindBegin:
			r.Begin = e
		case KindBefore:
			r.Steps = append(r.Steps, RunStep{Before: e})
		case KindAfter:
			for i := range r.Steps {
				if r.Steps[i].Before.Step == e.Step {
					after := e
					r.Steps[i].After = &after
				}
			}
		case KindEnd:
			end := e
			r.End = &end
		}
	}
	for _, r := range out {
		if r.Begin.Undoes == "" || r.End == nil || (r.End.Outcome != Applied && r.End.Outcome != AlreadyApplied) {
			continue
		}
		if t := byID[r.Begin.Undoes]; t != nil {
			t.UndoneBy = r.ID
		}
	}
	return out
}

// changed reports whether a step may have changed the tenant: applied, or sent without a known answer.
func (s RunStep) changed() bool {
	return s.After == nil || s.After.Outcome == Applied || s.After.Outcome == Unknown
}

// FindRun returns the run named id, or, when id is empty, the newest fix that can be undone: it may
// have changed the tenant, it is not undone yet, its undo can be planned, and it is not another
// operator's (a run made through mdmdoctor serve is undone by naming its ID). journalPath is named in
// the reasons a run cannot be undone.
func FindRun(entries []Entry, id, journalPath string) (*Run, error) {
	runs := Runs(entries)
	if id != "" {
		for _, r := range runs {
			if r.ID == id {
				return r, nil
			}
		}
		return nil, fmt.Errorf("the journal has no entry %q: run 'mdmdoctor undo --list' for the runs it holds", id)
	}
	var newest error
	served := 0
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		if r.Begin.Undoes != "" || r.UndoneBy != "" || !slices.ContainsFunc(r.Steps, RunStep.changed) {
			continue
		}
		if r.Begin.Via != "" {
			served++
			continue
		}
		_, err := PlanUndo(r, journalPath)
		if err == nil {
			return r, nil
		}
		if newest == nil {
			newest = err
		}
	}
	if newest != nil {
		return nil, fmt.Errorf("no applied fix in the journal can still be undone; the newest: %w", newest)
	}
	if served > 0 {
		return nil, fmt.Errorf("the journal holds no applied fix of yours that is not undone yet; %d made through "+
			"mdmdoctor serve are their operators': name one by its ID (mdmdoctor undo --list)", served)
	}
	return nil, fmt.Errorf("the journal holds no applied fix that is not undone yet")
}

// CannotUndoError says a run cannot be reverted, and why.
type CannotUndoError struct {
	ID      string
	Reasons []string
}

func (e *CannotUndoError) Error() string {
	return "cannot undo " + e.ID + ": " + strings.Join(e.Reasons, "; ")
}

// PlanUndo plans the requests that revert a run, computed from the state journaled before each of
// its writes, last write first. journalPath is named where a write cannot be reverted (a deleted
// device: its JSON is in the journal).
func PlanUndo(r *Run, journalPath string) (*Plan, error) {
	if r.UndoneBy != "" {
		return nil, &CannotUndoError{ID: r.ID, Reasons: []string{"it was undone already by " + r.UndoneBy}}
	}
	orig := r.Begin.Plan
	if orig == nil {
		return nil, &CannotUndoError{ID: r.ID, Reasons: []string{"its begin entry is missing from the journal"}}
	}
	if r.Begin.Tenant == "" {
		return nil, &CannotUndoError{ID: r.ID, Reasons: []string{fmt.Sprintf("its begin entry (journal line %d) "+
			"names no tenant, so mdmdoctor cannot tell where it was applied; revert it by hand", r.Begin.Line)}}
	}
	allowed, known := sends(orig.Fix)
	if !known {
		return nil, &CannotUndoError{ID: r.ID, Reasons: []string{fmt.Sprintf("journal line %d names the fix %q, "+
			"which mdmdoctor does not have", r.Begin.Line, orig.Fix)}}
	}
	p := &Plan{Fix: orig.Fix, Title: "Revert: " + checks.Printable(orig.Title), User: checks.Printable(orig.User),
		Subject: checks.Printable(orig.Subject), Checks: orig.Checks,
		Reversible: true, Permissions: orig.Permissions, Undoes: r.ID}
	for i := len(r.Steps) - 1; i >= 0; i-- {
		rs := r.Steps[i]
		if !rs.changed() || rs.Before.Request == nil {
			continue
		}
		st, err := newStep(*rs.Before.Request)
		if err == nil {
			err = allowed.check(st)
		}
		if err != nil {
			return nil, &CannotUndoError{ID: r.ID, Reasons: []string{fmt.Sprintf("journal line %d (step %d) holds %s "+
				"%s, which %s does not send (%v): refused; the journal may have been edited",
				rs.Before.Line, rs.Before.Step, rs.Before.Request.Method(), rs.Before.Request.Path(), orig.Fix, err)}}
		}
		inv, why := inverse(st, rs.Before.Before, rs.After)
		if why != "" {
			p.Cannot = append(p.Cannot, fmt.Sprintf("step %d (%s %s): %s; its state before the write is in the "+
				"journal %s, entry %s step %d",
				rs.Before.Step, st.req.Method(), st.req.Path(), why, journalPath, r.ID, rs.Before.Step))
			continue
		}
		for _, s := range inv {
			if err := allowed.check(s); err != nil {
				return nil, &CannotUndoError{ID: r.ID, Reasons: []string{fmt.Sprintf("the revert of journal line %d "+
					"(step %d) would send %s %s, which %s never needs (%v): refused; the journal may have been edited",
					rs.Before.Line, rs.Before.Step, s.req.Method(), s.req.Path(), orig.Fix, err)}}
			}
			p.steps = append(p.steps, s)
			p.Requests = append(p.Requests, s.req)
		}
	}
	if len(p.Requests) == 0 {
		reasons := p.Cannot
		if len(reasons) == 0 {
			reasons = []string{"none of its writes changed the tenant"}
		}
		return nil, &CannotUndoError{ID: r.ID, Reasons: reasons}
	}
	return p, nil
}

// inverse computes the steps that revert one applied step from the state before it; why says why
// there are none.
func inverse(s step, before json.RawMessage, after *Entry) ([]step, string) {
	var o map[string]json.RawMessage
	_ = json.Unmarshal(before, &o)
	mk := func(r checks.Request) step {
		n, _ := newStep(r)
		return n
	}
	q := s.req
	switch q.Op {
	case checks.OpAddMember:
		return []step{mk(checks.RemoveMember(q.Root, q.Group, q.Member))}, ""
	case checks.OpRemoveMember:
		return []step{mk(checks.AddMember(q.Root, q.Group, q.Member))}, ""
	case checks.OpAddIncluded:
		if was := stringField(o, "appliesTo"); was == "none" || was == "all" {
			return []step{mk(checks.PatchScope(q.Root, q.Set, q.Policy, jsonOf(map[string]string{"appliesTo": was})))}, ""
		}
		return []step{mk(checks.RemoveIncluded(q.Root, q.Set, q.Policy, q.Group))}, ""
	case checks.OpRemoveIncluded:
		return []step{mk(checks.AddIncluded(q.Root, q.Set, q.Policy, q.Group))}, ""
	case checks.OpPatchScope:
		return inversePatchScope(s, o, mk)
	case checks.OpPutRegistration:
		body, err := withoutAnnotations(before)
		if err != nil {
			return nil, "the policy before the write was not journaled"
		}
		n := mk(checks.PutRegistration(q.Root, body))
		n.expectWhole = s.req.Body
		return []step{n}, ""
	case checks.OpCreateCA:
		var created struct {
			ID string `json:"id"`
		}
		if after != nil {
			_ = json.Unmarshal(after.Result, &created)
		}
		if created.ID == "" {
			return nil, fmt.Sprintf("Graph's answer with the new policy's id was not received: delete the "+
				"Conditional Access policy %q in the Entra admin center "+
				"if it exists", stringField(s.body, "displayName"))
		}
		return []step{mk(checks.DeleteCA(q.Root, created.ID))}, ""
	case checks.OpAssignLicense:
		held := skuIDs(o["assignedLicenses"])
		var undo []string
		for _, sku := range added(s.body) {
			if !slices.Contains(held, sku) {
				undo = append(undo, sku)
			}
		}
		if len(undo) == 0 {
			return nil, "the user held that licence before"
		}
		return []step{mk(checks.AssignLicense(q.Root, q.ID, jsonOf(map[string]any{"addLicenses": []any{}, "removeLicenses": undo})))}, ""
	case checks.OpPatchUser:
		back := map[string]json.RawMessage{}
		for k := range s.body {
			v := o[k]
			if len(v) == 0 {
				v = json.RawMessage("null")
			}
			back[k] = v
		}
		n := mk(checks.PatchUser(q.Root, q.ID, jsonOf(back)))
		n.expect = s.body
		return []step{n}, ""
	case checks.OpPatchDevice:
		back := map[string]json.RawMessage{"accountEnabled": o["accountEnabled"]}
		if len(o["accountEnabled"]) == 0 || string(o["accountEnabled"]) == "null" {
			return nil, "the record's accountEnabled before the write was not journaled"
		}
		n := mk(checks.PatchDevice(q.Root, q.ID, jsonOf(back)))
		n.expect = s.body
		return []step{n}, ""
	case checks.OpDeleteDevice, checks.OpDeleteManagedDevice:
		return nil, "Graph cannot restore a deleted device record"
	case checks.OpDeleteCA:
		return nil, "Graph cannot restore a deleted Conditional Access policy"
	}
	return nil, "mdmdoctor does not know how to revert it"
}

// inversePatchScope reverts a PATCH of a mobility policy: appliesTo back to what it was (re-adding
// the included groups when it was Some, since PATCH cannot set selected), or the URLs back.
func inversePatchScope(s step, before map[string]json.RawMessage, mk func(checks.Request) step) ([]step, string) {
	q := s.req
	if _, ok := s.body["appliesTo"]; ok {
		was := stringField(before, "appliesTo")
		expect := map[string]json.RawMessage{"appliesTo": s.body["appliesTo"]}
		if was != "selected" {
			n := mk(checks.PatchScope(q.Root, q.Set, q.Policy, jsonOf(map[string]string{"appliesTo": was})))
			n.expect = expect
			return []step{n}, ""
		}
		var list []struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(before["includedGroups"], &list)
		var groups []string
		for _, g := range list {
			groups = append(groups, g.ID)
		}
		if len(groups) == 0 {
			return nil, scopeName(s.req.Set) + " was Some with no group: set it back in the Intune admin center"
		}
		var out []step
		for i, g := range groups {
			n := mk(checks.AddIncluded(q.Root, q.Set, q.Policy, g))
			if i == 0 {
				n.expect = expect
			}
			out = append(out, n)
		}
		return out, ""
	}
	back := map[string]json.RawMessage{}
	for k := range s.body {
		v := before[k]
		if len(v) == 0 {
			v = json.RawMessage(`""`)
		}
		back[k] = v
	}
	n := mk(checks.PatchScope(q.Root, q.Set, q.Policy, jsonOf(back)))
	n.expect = s.body
	return []step{n}, ""
}

// jsonOf encodes a body built here from maps of strings and raw JSON, which always encode.
func jsonOf(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

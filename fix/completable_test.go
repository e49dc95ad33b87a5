package fix_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// TestAddGroupNotOfferedWithoutAGroup: a user in no group leaves scope.mdm.add-group nothing to
// choose, so scope.mdm does not offer it; offered anyway, the fix says it cannot be completed
// instead of asking for --group.
func TestAddGroupNotOfferedWithoutAGroup(t *testing.T) {
	e := newEnv(t, "contoso", nil, func(tn *graphtest.Tenant) {
		for _, g := range tn.Groups {
			var keep []any
			for _, m := range g["members"].([]any) {
				if m != bobID {
					keep = append(keep, m)
				}
			}
			g["members"] = keep
		}
	})
	f, results := e.session("bob@contoso.com").Checker.Check(context.Background(), nil)
	_, err := fix.NewDraft(f, results, "scope.mdm.add-group")
	var not *fix.NotOfferedError
	if !errors.As(err, &not) {
		t.Fatalf("draft of a fix scope.mdm should not offer: %v", err)
	}
	for i := range results {
		if results[i].ID == "scope.mdm" {
			results[i].Fixes = append(results[i].Fixes, checks.Fix{ID: "scope.mdm.add-group"})
		}
	}
	_, err = fix.NewDraft(f, results, "scope.mdm.add-group")
	var cannot *fix.CannotCompleteError
	if !errors.As(err, &cannot) || !strings.Contains(err.Error(), "there is none to choose") {
		t.Fatalf("draft: %v", err)
	}
}

// TestPlanSaysTheOperatorLacksTheRole: operator.permissions knows a Global Reader cannot apply a
// scope fix; the plan says so before the operator is asked for yes.
func TestPlanSaysTheOperatorLacksTheRole(t *testing.T) {
	e := newEnv(t, "contoso", []string{globalRead}, nil)
	p := e.plan("bob@contoso.com", "scope.mdm.all", fix.Choices{})
	var b strings.Builder
	_ = fix.Preview(&b, p)
	if !strings.Contains(b.String(), "note: operator.permissions: the signed-in operator holds no role that may apply this fix (it needs Cloud Device Administrator)") {
		t.Errorf("preview:\n%s", b.String())
	}
	e = newEnv(t, "contoso", []string{globalAdmin}, nil)
	if p := e.plan("bob@contoso.com", "scope.mdm.all", fix.Choices{}); len(p.Notes) != 0 {
		t.Errorf("notes for a Global Administrator: %v", p.Notes)
	}
}

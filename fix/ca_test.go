package fix_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

const breakGlass = "ba449a6f-6a9a-44bc-bbdf-dd1d1baf0329"

// withoutRegistrationPolicy turns off contoso's "Require MFA to register devices", so that nothing
// requires MFA at registration and the fix is offered; the baseline All-users policy stays enabled.
func withoutRegistrationPolicy(tn *graphtest.Tenant) {
	for _, p := range tn.ConditionalAccessPolicies {
		if p["displayName"] == "Require MFA to register devices" {
			p["state"] = "disabled"
		}
	}
}

// TestCreateCAKeepsTheSharedExclusions: the new policy excludes what every enabled All-users policy
// excludes (contoso's "Break glass"), the preview names it and says whom the policy would cover, and
// --exclude-group adds a group read by name.
func TestCreateCAKeepsTheSharedExclusions(t *testing.T) {
	e := newEnv(t, "contoso", nil, func(tn *graphtest.Tenant) {
		withoutRegistrationPolicy(tn)
		for _, g := range tn.Groups {
			if g.ID() == breakGlass {
				g["displayName"] = "Break glass\x1b]52;c;aGk=\x07"
			}
		}
	})
	p := e.plan("alice@contoso.com", "mfa.registration.create-ca-report-only", fix.Choices{})
	body := string(p.Requests[0].Body)
	if !strings.Contains(body, `"excludeGroups":["`+breakGlass+`"]`) || !strings.Contains(body, `"includeUsers":["All"]`) {
		t.Errorf("body %s", body)
	}
	var preview bytes.Buffer
	if err := fix.Preview(&preview, p); err != nil {
		t.Fatal(err)
	}
	out := preview.String()
	for _, want := range []string{`group "Break glass\x1b]52;c;aGk=\a" (1 user)`, "would cover 7 of the tenant's 8 users (1 excluded)", "Baseline: MFA for all users and all resources"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("the preview carries a raw escape from a group name:\n%q", out)
	}

	// --exclude-group by display name, read through the Reader, adds the group and its users.
	f, results := e.session("alice@contoso.com").Checker.Check(context.Background(), nil)
	d, err := fix.NewDraft(f, results, "mfa.registration.create-ca-report-only")
	if err != nil {
		t.Fatal(err)
	}
	ch := fix.Choices{ExcludeGroups: []string{"Sales"}}
	if _, err := d.Plan(ch); err == nil || !strings.Contains(err.Error(), "Sales") {
		t.Errorf("an unread group was planned: %v", err)
	}
	if err := d.Resolve(context.Background(), graphIO{e.client}, ch); err != nil {
		t.Fatal(err)
	}
	p, err = d.Plan(ch)
	if err != nil {
		t.Fatal(err)
	}
	body = string(p.Requests[0].Body)
	if !strings.Contains(body, `"excludeGroups":["`+breakGlass+`","dca4c49c-03ab-470f-be74-29c40d3704ca"]`) {
		t.Errorf("body %s", body)
	}
	if notes := strings.Join(p.Notes, "\n"); !strings.Contains(notes, `also excludes, as asked: group "Sales" (1 user)`) || !strings.Contains(notes, "would cover 6 of the tenant's 8 users") {
		t.Errorf("notes %s", notes)
	}
	if err := d.Resolve(context.Background(), graphIO{e.client}, fix.Choices{ExcludeGroups: []string{"No such group"}}); err == nil || !strings.Contains(err.Error(), "no group has that id or display name") {
		t.Errorf("an unknown group: %v", err)
	}
}

// TestCreateCARefusedWithoutTheExclusions: when the exclusions could not be read, no policy is
// planned that might lock out the emergency access accounts.
func TestCreateCARefusedWithoutTheExclusions(t *testing.T) {
	e := newEnv(t, "contoso", nil, withoutRegistrationPolicy)
	e.srv.Inject(graphtest.Fault{Path: "/v1.0/groups/" + breakGlass, Status: 403})
	f, results := e.session("alice@contoso.com").Checker.Check(context.Background(), nil)
	d, err := fix.NewDraft(f, results, "mfa.registration.create-ca-report-only")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Plan(fix.Choices{}); err == nil || !strings.Contains(err.Error(), "exclusions it cannot name") {
		t.Errorf("planned without the exclusions: %v", err)
	}
}

package checks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/errcodes"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// symptomFixtures are, for every check the error catalog binds a cause to, facts on which the real
// check fails and facts on which it passes.
func symptomFixtures(t *testing.T) map[string][2]func() *facts.Facts {
	withPolicies := func(mdm, mam *facts.MobilityPolicy) func() *facts.Facts {
		return func() *facts.Facts {
			f := userFacts("bob@contoso.com")
			f.MDMPolicy, f.MAMPolicy = mdm, mam
			return f
		}
	}
	customURLs := policy("all")
	customURLs.TermsOfUseURL = ""
	licensed := func(plans ...facts.ServicePlan) func() *facts.Facts {
		return func() *facts.Facts {
			f := userFacts("bob@contoso.com")
			f.Target.Path = facts.PathJoin // co-management aside, every path needs the licence
			f.LicenseDetails = []facts.LicenseDetail{{SkuID: "s", SkuPartNumber: "SKU", ServicePlans: plans}}
			return f
		}
	}
	upn := func(u string) func() *facts.Facts {
		return func() *facts.Facts {
			f := userFacts(u)
			f.Domains = []facts.Domain{{Name: "contoso.com", IsVerified: true, IsDefault: true}}
			return f
		}
	}
	restricted := func(block bool) func() *facts.Facts {
		return func() *facts.Facts {
			f := devFacts("bob@contoso.com")
			f.Target.Path = facts.PathJoin
			f.Operator = &facts.Operator{Known: true, RoleTemplateIDs: []string{facts.RoleIntuneAdministrator}}
			f.EnrollmentConfigs = []facts.EnrollmentConfig{enrDefaultRestriction(block, false), enrDefaultLimit(15)}
			return f
		}
	}
	joinable := func(kind string) func() *facts.Facts {
		return func() *facts.Facts {
			f := devFacts("bob@contoso.com")
			f.RegistrationPolicy.AzureADJoin = facts.Membership{Kind: kind}
			return f
		}
	}
	paste := func(name string) func() *facts.Facts { return func() *facts.Facts { return dsregFacts(t, name) } }
	return map[string][2]func() *facts.Facts{
		"scope.mdm":               {withPolicies(policy("none"), policy("none")), withPolicies(policy("all"), policy("none"))},
		"scope.mam-conflict":      {withPolicies(policy("all"), policy("all")), withPolicies(policy("all"), policy("none"))},
		"scope.urls":              {withPolicies(customURLs, policy("none")), withPolicies(policy("all"), policy("none"))},
		"license.intune":          {licensed(plan(planIntuneO365, "INTUNE_O365", "Success")), licensed(plan(planIntuneA, "INTUNE_A", "Success"))},
		"tenant.upn-domain":       {upn("erin@contoso.local"), upn("alice@contoso.com")},
		"enrollment.restrictions": {restricted(true), restricted(false)},
		"devices.limits":          {joinable("none"), joinable("all")},
		"device.tenant":           {paste("other-tenant.txt"), paste("joined.txt")},
		"device.prt":              {paste("prt-no.txt"), paste("joined.txt")},
		"tenant.mdm-authority":    {func() *facts.Facts { return authorityFacts("unknown") }, func() *facts.Facts { return authorityFacts("intune") }},
	}
}

// entryInput is a text that names the entry, as an operator would paste it.
func entryInput(e errcodes.Entry) string {
	switch e.Kind() {
	case errcodes.KindCode:
		return e.Code
	case errcodes.KindEvent:
		return fmt.Sprintf("Log Name: %s\nEvent ID: %d", e.Event.Log, e.Event.ID)
	}
	return e.Phrases[0]
}

// Every cause bound to a check is confirmed where that check really fails for the user, and ruled out
// (as of now) where it really passes.
func TestEveryBoundCauseIsConfirmedAndRuledOutByItsCheck(t *testing.T) {
	fixtures := symptomFixtures(t)
	cat := errcodes.Default()
	bound := 0
	for _, e := range cat.Entries() {
		for _, c := range e.Causes {
			if c.Check == "" {
				continue
			}
			bound++
			check, ok := Lookup(c.Check)
			if !ok {
				t.Fatalf("%s names check %q, which is not in the catalog", e.Key(), c.Check)
			}
			fx, ok := fixtures[c.Check]
			if !ok {
				t.Fatalf("%s: no fixture makes %s fail and pass; add one to symptomFixtures", e.Key(), c.Check)
			}
			for i, want := range []Verdict{Confirmed, RuledOut} {
				results := Evaluate(check, fx[i]())
				wantStatus := []Status{Fail, Pass}[i]
				if len(results) != 1 || results[0].Status != wantStatus {
					t.Fatalf("%s fixture %d: %+v, want one %v", c.Check, i, results, wantStatus)
				}
				results[0].ID = c.Check
				s, ok := RankSymptom(cat.Find(entryInput(e)), results)
				if !ok {
					t.Fatalf("%s: not found by %q", e.Key(), entryInput(e))
				}
				got := causeOf(s, c)
				if got.Verdict != want {
					t.Errorf("%s, %q with %s %v: verdict %q, want %q", e.Key(), c.Cause, c.Check, wantStatus, got.Verdict, want)
				}
				if want == RuledOut && !strings.HasPrefix(got.Finding, "As of now: ") {
					t.Errorf("%s: a ruled-out cause must say \"as of now\": %q", e.Key(), got.Finding)
				}
			}
		}
	}
	if bound < 15 {
		t.Fatalf("only %d causes bound to checks", bound)
	}
}

func causeOf(s Symptom, c errcodes.Cause) SymptomCause {
	for _, sc := range s.Causes {
		if sc.Cause == c.Cause && sc.Check == c.Check {
			return sc
		}
	}
	return SymptomCause{}
}

// A warning is possible; a skipped, errored or absent check and a device-only cause are unknown with
// where to look; the ranking puts confirmed first and ruled-out last.
func TestRankSymptomVerdicts(t *testing.T) {
	cat := errcodes.Default()
	f := cat.Find("0x80180003")
	for _, tc := range []struct {
		name    string
		results []Result
		check   string
		want    Verdict
		how     string
	}{
		{"warn", []Result{{ID: "devices.limits", Status: Warn, Summary: "one more device reaches it"}}, "devices.limits", Possible, "could not settle"},
		{"skip", []Result{{ID: "enrollment.restrictions", Status: Skip, Summary: "skipped"}}, "enrollment.restrictions", Unknown, "skipped"},
		{"error", []Result{{ID: "enrollment.restrictions", Status: Error, Summary: "Could not run"}}, "enrollment.restrictions", Unknown, "could not read"},
		{"absent", nil, "enrollment.restrictions", Unknown, "did not run"},
		{"device only", nil, "", Unknown, "winver"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := RankSymptom(f, tc.results)
			for _, c := range s.Causes {
				if c.Check == tc.check {
					if c.Verdict != tc.want || !strings.Contains(c.HowToVerify, tc.how) {
						t.Fatalf("verdict %q how %q, want %q with %q", c.Verdict, c.HowToVerify, tc.want, tc.how)
					}
					return
				}
			}
			t.Fatalf("no cause checked by %q", tc.check)
		})
	}
	s, _ := RankSymptom(f, []Result{{ID: "enrollment.restrictions", Status: Pass, Summary: "none"}, {ID: "devices.limits", Status: Fail, Summary: "at the limit"}})
	var order []Verdict
	for _, c := range s.Causes {
		order = append(order, c.Verdict)
	}
	want := []Verdict{Confirmed, Confirmed, Unknown, RuledOut}
	if len(order) != len(want) {
		t.Fatalf("verdicts %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("verdicts %v, want %v", order, want)
		}
	}
}

// An event that carries a code gives the code's causes and the event's, the code named first; a
// finding with nothing known gives no symptom.
func TestSymptomOfAnEventWithItsCode(t *testing.T) {
	cat := errcodes.Default()
	s, ok := ExplainSymptom(cat.Find("Log Name: Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider/Admin\nEvent ID: 76\nDescription: Auto MDM Enroll: Failed (Unknown Win32 Error code: 0x80180002b)"))
	if !ok || s.Code != "0x8018002b" || s.Symbol != "MENROLL_E_MDM_NOT_CONFIGURED" || len(s.Also) != 1 || !strings.Contains(s.Also[0].Key, "event 76") {
		t.Fatalf("symptom %+v", s)
	}
	from := map[string]bool{}
	for _, c := range s.Causes {
		from[c.From] = true
		if c.Verdict != "" {
			t.Errorf("explain judged a cause: %+v", c)
		}
		if c.Check != "" && !strings.Contains(c.HowToVerify, "--error 0x8018002b runs "+c.Check) {
			t.Errorf("a checked cause must say how to test it: %+v", c)
		}
	}
	if !from["0x8018002b"] || len(from) != 2 {
		t.Errorf("causes from %v, want the code's and the event's", from)
	}
	if _, ok := ExplainSymptom(cat.Find("0x80181234")); ok {
		t.Error("an unknown code gave a symptom")
	}
}

// The pasted input reaches the report only as printable text.
func TestSymptomInputIsPrintable(t *testing.T) {
	s, _ := ExplainSymptom(errcodes.Default().Find("0x80180014\x1b]0;owned\x07"))
	if strings.ContainsAny(s.Input, "\x1b\x07") {
		t.Fatalf("input %q", s.Input)
	}
}

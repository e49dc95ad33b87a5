package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// TestDemoTenantsJudgedAsDocumented reads each demo user through the real client and the fake Graph
// and judges the facts with the check catalog: the fixtures must produce what docs/demo-tenants.md
// promises for the checks that Graph alone decides (DNS and device checks need other readers).
func TestDemoTenantsJudgedAsDocumented(t *testing.T) {
	want := map[string]map[string]map[string]checks.Status{
		"contoso": {
			"alice@contoso.com": {"scope.mdm": checks.Pass, "license.entra-premium": checks.Pass, "license.intune": checks.Pass,
				"devices.duplicates": checks.Pass, "devices.limits": checks.Pass, "enrollment.restrictions": checks.Pass,
				"enrollment.failures": checks.Pass, "tenant.upn-domain": checks.Pass, "scope.urls": checks.Pass,
				"scope.mam-conflict": checks.Pass, "mfa.registration": checks.Pass, "operator.permissions": checks.Pass,
				"ca.enrollment-apps": checks.Pass, "signins.enrollment": checks.Pass},
			// With the enrollment path unknown, a missing Intune licence is a warning (co-management may
			// not need one), a personal-device block too (it stops only join and register), and Carol,
			// in scope only through a nested group, is not a sure pass.
			"bob@contoso.com":    {"scope.mdm": checks.Fail, "license.intune": checks.Warn, "license.entra-premium": checks.Fail},
			"carol@contoso.com":  {"scope.mdm": checks.Warn, "license.intune": checks.Warn, "devices.duplicates": checks.Warn, "enrollment.failures": checks.Fail},
			"dave@contoso.com":   {"devices.limits": checks.Warn, "enrollment.restrictions": checks.Warn, "enrollment.failures": checks.Fail},
			"erin@contoso.local": {"tenant.upn-domain": checks.Fail},
			"frank@contoso.com":  {"mfa.registration": checks.Warn, "devices.duplicates": checks.Fail, "devices.limits": checks.Warn},
			"leo@contoso.com":    {"ca.enrollment-apps": checks.Fail, "signins.enrollment": checks.Fail, "mfa.registration": checks.Pass, "scope.mdm": checks.Pass},
		},
		"fabrikam": {
			"grace@fabrikam.com": {"scope.mam-conflict": checks.Fail, "mfa.registration": checks.Fail, "scope.urls": checks.Fail,
				"scope.mdm": checks.Pass, "operator.permissions": checks.Warn},
			// The device setting and an enabled policy with the user action conflict for the whole tenant.
			"henry@fabrikam.com": {"scope.mam-conflict": checks.Warn, "mfa.registration": checks.Fail},
			"ivan@fabrikam.com":  {"mfa.registration": checks.Fail},
			"judy@tailspin.com":  {"tenant.upn-domain": checks.Pass},
		},
	}
	for tenant, users := range want {
		_, c := demo(t, tenant)
		for upn, statuses := range users {
			target := facts.Target{Kind: facts.TargetUser, User: upn}
			f := facts.New("public", target, time.Now())
			results := checks.Run(context.Background(), f, facts.Gather(context.Background(), target, c), checks.Options{}, nil)
			worst := map[string]checks.Result{}
			for _, r := range results {
				if w, ok := worst[r.ID]; !ok || r.Status.Severity() < w.Status.Severity() {
					worst[r.ID] = r
				}
			}
			for id, st := range statuses {
				r, ok := worst[id]
				if !ok {
					t.Errorf("%s: no %s result", upn, id)
					continue
				}
				if r.Status != st {
					t.Errorf("%s %s: %s (%s), want %s", upn, id, r.Status, r.Summary, st)
				}
			}
		}
	}
}

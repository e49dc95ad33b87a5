package checks

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// TestDeviceChecksErrorWhenASourceFails: a 403 on any source a check needs turns that check, and only
// that check, into an error naming the request and the reason.
func TestDeviceChecksErrorWhenASourceFails(t *testing.T) {
	mine := []string{"devices.duplicates", "devices.limits", "enrollment.restrictions", "enrollment.failures"}
	for _, id := range mine {
		c, ok := Lookup(id)
		if !ok {
			t.Fatalf("%s is not in the catalog", id)
		}
		for _, src := range c.Needs {
			t.Run(id+"/"+string(src), func(t *testing.T) {
				f := devFacts("alice@contoso.com")
				ep := "GET /v1.0/test/" + string(src)
				f.Apply(facts.Delta{Source: src, Endpoint: ep, Err: errors.New("403 Forbidden: Authorization_RequestDenied")})
				rs := Evaluate(c, f)
				if len(rs) != 1 || rs[0].Status != Error {
					t.Fatalf("results %+v, want one error", rs)
				}
				if !strings.Contains(rs[0].Error, "403") || !strings.Contains(rs[0].Error, ep) {
					t.Errorf("error %q should name the request and the 403", rs[0].Error)
				}
				for _, other := range mine {
					oc, _ := Lookup(other)
					if !devNeeds(oc, src) && Evaluate(oc, f)[0].Status == Error {
						t.Errorf("%s does not need %s but ended in error", other, src)
					}
				}
			})
		}
	}
}

func devNeeds(c Check, s facts.Source) bool {
	for _, n := range c.Needs {
		if n == s {
			return true
		}
	}
	return false
}

// TestDeviceChecksThroughRun streams deltas through the engine as a reader would: the checks judge as
// their sources arrive, and a failed source leaves the others' verdicts standing.
func TestDeviceChecksThroughRun(t *testing.T) {
	f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: "frank@contoso.com"}, devNow)
	joined := devWindows("FRANK-LT1", "AzureAd", false, 1)
	ch := make(chan facts.Delta, 8)
	// An operator who reads all of Intune: no failure can hide behind scope tags.
	ch <- facts.Delta{Source: facts.SrcOperator, Apply: func(f *facts.Facts) {
		f.Operator = &facts.Operator{Known: true, RoleTemplateIDs: []string{facts.RoleIntuneAdministrator}}
	}}
	ch <- facts.Delta{Source: facts.SrcUser, Endpoint: "GET /v1.0/users/frank@contoso.com", Apply: func(f *facts.Facts) {
		f.User = &facts.User{ID: "u-frank", UserPrincipalName: "frank@contoso.com"}
	}}
	ch <- facts.Delta{Source: facts.SrcUserDevices, Endpoint: "GET /v1.0/users/frank@contoso.com/registeredDevices", Apply: func(f *facts.Facts) {
		f.UserDevices = []facts.EntraDevice{joined}
	}}
	ch <- facts.Delta{Source: facts.SrcManagedDevices, Endpoint: "GET /v1.0/users/frank@contoso.com/managedDevices", Apply: func(f *facts.Facts) {
		f.ManagedDevices = []facts.ManagedDevice{devIntune("md-f1", joined, "SN-F1", 0)}
	}}
	ch <- facts.Delta{Source: facts.SrcMemberOf, Apply: func(*facts.Facts) {}}
	ch <- facts.Delta{Source: facts.SrcRegistrationPolicy, Apply: func(f *facts.Facts) {
		f.RegistrationPolicy = &facts.DeviceRegistrationPolicy{UserDeviceQuota: 5, AzureADJoin: facts.Membership{Kind: "all"}, AzureADRegistration: facts.Membership{Kind: "all"}}
	}}
	ch <- facts.Delta{Source: facts.SrcEnrollmentConfigs, Endpoint: "GET /v1.0/deviceManagement/deviceEnrollmentConfigurations",
		Err: errors.New("403 Forbidden: needs DeviceManagementServiceConfig.Read.All")}
	ch <- facts.Delta{Source: facts.SrcTroubleshooting, Apply: func(*facts.Facts) {}}
	close(ch)
	var checks []Check
	for _, id := range []string{"devices.duplicates", "devices.limits", "enrollment.restrictions", "enrollment.failures"} {
		c, _ := Lookup(id)
		checks = append(checks, c)
	}
	got := map[string]Status{}
	for _, r := range Run(context.Background(), f, ch, Options{Checks: checks, Start: devNow}, nil) {
		got[r.ID] = r.Status
	}
	want := map[string]Status{"devices.duplicates": Fail, "devices.limits": Error, "enrollment.restrictions": Error, "enrollment.failures": Pass}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("%s: %s, want %s", id, got[id], st)
		}
	}
}

// TestDeviceChecksSkipWithTheirSource: a skipped source (app-only sign-in for a delegated-only read)
// skips the check rather than judging empty facts.
func TestDeviceChecksSkipWithTheirSource(t *testing.T) {
	f := devFacts("alice@contoso.com")
	f.Apply(facts.Delta{Source: facts.SrcTroubleshooting, Skip: "not readable with this sign-in"})
	r := devJudge(t, "enrollment.failures", f)
	if r.Status != Skip {
		t.Fatalf("status %s, want skip", r.Status)
	}
}

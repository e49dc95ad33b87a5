package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func caPolicy(name, state string, groups ...string) facts.CAPolicy {
	return facts.CAPolicy{ID: name, DisplayName: name, State: state, IncludeUserActions: []string{registerDeviceAction},
		IncludeGroups: groups, GrantOperator: "OR", BuiltInControls: []string{"mfa"}}
}

func TestMFARegistration(t *testing.T) {
	raw := []byte(`{"id":"deviceRegistrationPolicy","userDeviceQuota":50,"multiFactorAuthConfiguration":"required","azureADJoin":{"isAdminConfigurable":true}}`)
	required := &facts.DeviceRegistrationPolicy{MultiFactorAuthConfiguration: "required", UserDeviceQuota: 50, Raw: raw}
	legacy := &facts.DeviceRegistrationPolicy{MultiFactorAuthConfiguration: "1", Raw: raw}
	notRequired := &facts.DeviceRegistrationPolicy{MultiFactorAuthConfiguration: "notRequired"}
	allUsers := caPolicy("All users MFA", "enabled")
	allUsers.IncludeUsers = []string{"All"}
	excluded := allUsers
	excluded.ExcludeGroups = []string{"g-breakglass"}
	noAction := caPolicy("MFA for apps", "enabled", "g-mfa")
	noAction.IncludeUserActions = nil
	byRole := caPolicy("Admins", "enabled")
	byRole.IncludeRoles = []string{facts.RoleIntuneAdministrator}
	strength := caPolicy("Phishing-resistant", "enabled", "g-mfa")
	strength.BuiltInControls, strength.AuthenticationStrength = nil, "Phishing-resistant MFA"
	// The documented example: block registering or joining outside trusted locations.
	blockOutside := caPolicy("Block registration outside the office", "enabled")
	blockOutside.IncludeUsers, blockOutside.BuiltInControls = []string{"All"}, []string{"block"}
	blockOutside.IncludeLocations, blockOutside.ExcludeLocations = []string{"All"}, []string{"AllTrusted"}
	compliant := caPolicy("Compliant to register", "enabled", "g-mfa")
	compliant.BuiltInControls = []string{"compliantDevice"}
	whfb := caPolicy("Hello only", "enabled", "g-mfa")
	whfb.BuiltInControls, whfb.AuthenticationStrength = nil, "Hello only"
	whfb.AuthenticationCombinations = []string{"windowsHelloForBusiness", "fido2"}
	mfaStrength := caPolicy("MFA strength", "enabled", "g-mfa")
	mfaStrength.BuiltInControls, mfaStrength.AuthenticationStrength = nil, "Multifactor authentication"
	mfaStrength.AuthenticationCombinations = []string{"windowsHelloForBusiness", "password,microsoftAuthenticatorPush"}
	allResources := facts.CAPolicy{DisplayName: "MFA for everything", State: "enabled", IncludeUsers: []string{"All"},
		IncludeApplications: []string{"All"}, GrantOperator: "OR", BuiltInControls: []string{"mfa"}}

	for _, tc := range []struct {
		name     string
		pol      *facts.DeviceRegistrationPolicy
		ca       []facts.CAPolicy
		memberOf []facts.Group
		want     Status
		text     string
	}{
		{"policy alone", required, nil, nil, Pass, "device setting"},
		{"legacy numeric payload", legacy, nil, nil, Pass, "device setting"},
		{"CA alone", notRequired, []facts.CAPolicy{caPolicy("MFA-CA", "enabled", "g-mfa")}, []facts.Group{{ID: "g-mfa"}}, Pass, "Conditional Access"},
		{"CA for All users", notRequired, []facts.CAPolicy{allUsers}, nil, Pass, "All users MFA"},
		{"CA through a role", notRequired, []facts.CAPolicy{byRole}, []facts.Group{{ID: "r1", Kind: "directoryRole", RoleTemplateID: facts.RoleIntuneAdministrator}}, Pass, "Admins"},
		{"CA authentication strength", notRequired, []facts.CAPolicy{strength}, []facts.Group{{ID: "g-mfa"}}, Pass, "Phishing-resistant"},
		{"both: the documented conflict", required, []facts.CAPolicy{caPolicy("MFA-CA", "enabled", "g-mfa")}, []facts.Group{{ID: "g-mfa"}}, Fail, "conflict"},
		{"policy with report-only CA", required, []facts.CAPolicy{caPolicy("Pilot", caReportOnly, "g-pilot")}, []facts.Group{{ID: "g-pilot"}}, Warn, "would conflict"},
		{"report-only CA alone", notRequired, []facts.CAPolicy{caPolicy("Pilot", caReportOnly, "g-pilot")}, []facts.Group{{ID: "g-pilot"}}, Warn, "report-only"},
		{"neither", notRequired, nil, nil, Warn, "Nothing requires"},
		{"excluded from the CA policy", notRequired, []facts.CAPolicy{excluded}, []facts.Group{{ID: "g-breakglass"}}, Warn, "excluded through group g-breakglass"},
		{"excluded through a named group", notRequired, []facts.CAPolicy{excluded}, []facts.Group{{ID: "g-breakglass", DisplayName: "Break glass"}}, Warn, `excluded through group "Break glass" (g-breakglass)`},
		{"CA without the user action", notRequired, []facts.CAPolicy{noAction}, []facts.Group{{ID: "g-mfa"}}, Warn, "Nothing requires"},
		{"disabled CA", notRequired, []facts.CAPolicy{caPolicy("Off", "disabled", "g-mfa")}, []facts.Group{{ID: "g-mfa"}}, Warn, "Nothing requires"},
		// The conflict is the tenant's configuration: a user outside the policy does not escape it.
		{"CA for a group the user is not in", required, []facts.CAPolicy{caPolicy("MFA-CA", "enabled", "g-mfa")}, nil, Fail, "documented conflict"},
		{"block grant with the setting", required, []facts.CAPolicy{blockOutside}, nil, Fail, "documented conflict"},
		{"compliant device required to register", notRequired, []facts.CAPolicy{compliant}, []facts.Group{{ID: "g-mfa"}}, Fail, "cannot meet before it is registered"},
		{"strength of Windows Hello only", notRequired, []facts.CAPolicy{whfb}, []facts.Group{{ID: "g-mfa"}}, Fail, "Windows Hello for Business"},
		{"strength with a method the join can do", notRequired, []facts.CAPolicy{mfaStrength}, []facts.Group{{ID: "g-mfa"}}, Pass, "Conditional Access"},
		{"block outside trusted locations alone", notRequired, []facts.CAPolicy{blockOutside}, nil, Warn, "Nothing requires"},
		{"MFA for all resources is not registration", notRequired, []facts.CAPolicy{allResources}, nil, Warn, "Nothing requires"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("grace@fabrikam.com")
			f.RegistrationPolicy, f.CAPolicies, f.MemberOf = tc.pol, tc.ca, tc.memberOf
			r := judgeOne(t, "mfa.registration", f)
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.text) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, r.Summary, tc.want, tc.text)
			}
		})
	}
}

func TestMFAConflictFixKeepsTheWholePolicy(t *testing.T) {
	f := userFacts("grace@fabrikam.com")
	f.RegistrationPolicy = &facts.DeviceRegistrationPolicy{MultiFactorAuthConfiguration: "required", UserDeviceQuota: 50,
		Raw: []byte(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#policies/deviceRegistrationPolicy/$entity","id":"deviceRegistrationPolicy","userDeviceQuota":50,"multiFactorAuthConfiguration":"required","azureADJoin":{"allowedToJoin":{"@odata.type":"#microsoft.graph.allDeviceRegistrationMembership"}}}`)}
	f.CAPolicies = []facts.CAPolicy{caPolicy("MFA-CA", "enabled", "g-mfa")}
	f.MemberOf = []facts.Group{{ID: "g-mfa"}}
	r := judgeOne(t, "mfa.registration", f)
	if len(r.Fixes) != 1 || r.Fixes[0].ID != "mfa.registration.policy-not-required" {
		t.Fatalf("fixes %+v", r.Fixes)
	}
	body := string(r.Fixes[0].Requests[0].Body)
	// Omitting userDeviceQuota on update resets it to 0 and blocks every join.
	for _, want := range []string{`"userDeviceQuota":50`, `"multiFactorAuthConfiguration":"notRequired"`, `allDeviceRegistrationMembership`} {
		if !strings.Contains(body, want) {
			t.Errorf("PUT body lacks %s: %s", want, body)
		}
	}
	if strings.Contains(body, "@odata.context") {
		t.Errorf("the PUT body carries the read's annotations: %s", body)
	}
	f.RegistrationPolicy.Raw = nil
	if r := judgeOne(t, "mfa.registration", f); len(r.Fixes) != 0 {
		t.Errorf("without the policy as read no PUT may be planned, got %+v", r.Fixes)
	}
}

func TestOperatorPermissions(t *testing.T) {
	all := []string{"User.Read.All", "Domain.Read.All", "LicenseAssignment.Read.All", "Organization.Read.All", "GroupMember.Read.All",
		"Device.Read.All", "DeviceManagementManagedDevices.Read.All", "Policy.Read.All", "Policy.Read.DeviceConfiguration", "DeviceManagementServiceConfig.Read.All", "AuditLog.Read.All"}
	admin := []string{facts.RoleGlobalAdministrator}
	for _, tc := range []struct {
		name string
		op   *facts.Operator
		want Status
		text string
	}{
		{"global admin, every scope", &facts.Operator{UserPrincipalName: "admin@contoso.com", Known: true, Scopes: all, RoleTemplateIDs: admin}, Pass, ""},
		{"reader cannot fix", &facts.Operator{Known: true, Scopes: all, RoleTemplateIDs: []string{facts.RoleGlobalReader}}, Warn, "license.*"},
		{"missing a scope", &facts.Operator{Known: true, Scopes: all[:3], RoleTemplateIDs: admin}, Fail, "needs scope Policy.Read.All"},
		{"scope but no role", &facts.Operator{Known: true, Scopes: all}, Fail, "a role such as"},
		{"Directory.Read.All covers directory reads", &facts.Operator{Known: true, Scopes: []string{"Directory.Read.All", "DeviceManagementManagedDevices.Read.All", "Policy.Read.All", "Policy.Read.DeviceConfiguration", "DeviceManagementServiceConfig.Read.All", "AuditLog.Read.All"}, RoleTemplateIDs: admin}, Pass, ""},
		{"opaque token", &facts.Operator{Known: false}, Warn, "opaque"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("alice@contoso.com")
			f.Operator = tc.op
			r := judgeOne(t, "operator.permissions", f)
			all := r.Summary
			for _, e := range r.Evidence {
				all += " " + e.Detail
			}
			if r.Status != tc.want || !strings.Contains(all, tc.text) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, all, tc.want, tc.text)
			}
		})
	}
}

// TestMFAAllResourcesNotCounted: Microsoft documents no statement that a policy for all resources
// applies when a device is registered or joined, so such a policy leaves the fix on offer and the
// result says why it was not counted.
func TestMFAAllResourcesNotCounted(t *testing.T) {
	f := userFacts("grace@fabrikam.com")
	f.RegistrationPolicy = &facts.DeviceRegistrationPolicy{MultiFactorAuthConfiguration: "notRequired"}
	f.CAPolicies = []facts.CAPolicy{{DisplayName: "MFA for everything", State: "enabled", IncludeUsers: []string{"All"},
		ExcludeGroups: []string{"g-breakglass"}, IncludeApplications: []string{"All"}, GrantOperator: "OR", BuiltInControls: []string{"mfa"}}}
	r := judgeOne(t, "mfa.registration", f)
	if r.Status != Warn || len(r.Fixes) != 1 || r.Fixes[0].ID != "mfa.registration.create-ca-report-only" {
		t.Fatalf("got %s with fixes %+v", r.Status, r.Fixes)
	}
	if !slices.ContainsFunc(r.Evidence, func(e Evidence) bool { return strings.Contains(e.Detail, "not counted") }) {
		t.Errorf("the evidence does not say why the all-resources policy was not counted: %+v", r.Evidence)
	}
	// The new policy keeps the exclusion every enabled All-users policy shares.
	body := string(r.Fixes[0].Requests[0].Body)
	if !strings.Contains(body, `"excludeGroups":["g-breakglass"]`) || !strings.Contains(body, `"state":"enabledForReportingButNotEnforced"`) {
		t.Errorf("body %s", body)
	}
}

// TestMFAExcludedUserGetsNoNewPolicy: an All-users policy that leaves the user out on purpose is not
// answered with a second All-users policy.
func TestMFAExcludedUserGetsNoNewPolicy(t *testing.T) {
	f := userFacts("breakglass@fabrikam.com")
	f.RegistrationPolicy = &facts.DeviceRegistrationPolicy{MultiFactorAuthConfiguration: "notRequired"}
	p := caPolicy("Registration MFA", "enabled")
	p.IncludeUsers, p.ExcludeGroups = []string{"All"}, []string{"g-breakglass"}
	f.CAPolicies, f.MemberOf = []facts.CAPolicy{p}, []facts.Group{{ID: "g-breakglass"}}
	r := judgeOne(t, "mfa.registration", f)
	if r.Status != Warn || len(r.Fixes) != 0 {
		t.Fatalf("got %s %q with fixes %+v", r.Status, r.Summary, r.Fixes)
	}
}

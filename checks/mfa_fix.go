package checks

import (
	"encoding/json"
	"fmt"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// CreateCAPolicyName is the display name of the policy mfa.registration.create-ca-report-only creates.
const CreateCAPolicyName = "Require MFA to register or join devices (mdmdoctor)"

// NewRegistrationMFAPolicy is the body of the Conditional Access policy the fix creates: All users
// but the given exclusions, the "Register or join devices" user action, MFA, report-only for the
// operator to review and switch on (https://learn.microsoft.com/en-us/entra/identity/conditional-access/how-to-policy-mfa-device-register-join).
func NewRegistrationMFAPolicy(users, groups, roles []string) json.RawMessage {
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	body, _ := json.Marshal(map[string]any{
		"displayName": CreateCAPolicyName,
		"state":       caReportOnly,
		"conditions": map[string]any{
			"applications":   map[string]any{"includeUserActions": []string{registerDeviceAction}},
			"users":          map[string]any{"includeUsers": []string{"All"}, "excludeUsers": nonNil(users), "excludeGroups": nonNil(groups), "excludeRoles": nonNil(roles)},
			"clientAppTypes": []string{"all"},
		},
		"grantControls": map[string]any{"operator": "OR", "builtInControls": []string{"mfa"}},
	})
	return body
}

// createCAReportOnlyFix plans the report-only policy for All users, keeping the exclusions every
// enabled All-users policy of the tenant shares (its emergency access accounts).
func createCAReportOnlyFix(f *facts.Facts) Fix {
	users, groups, roles, _ := facts.SharedExclusions(f.CAPolicies)
	title := "Create a report-only Conditional Access policy requiring MFA to register or join devices"
	if n := len(users) + len(groups) + len(roles); n > 0 {
		title += fmt.Sprintf(", keeping the %d exclusion%s the tenant's All-users policies share", n, pluralSuffix(n))
	}
	return Fix{ID: "mfa.registration.create-ca-report-only", Title: title,
		Reversible: true, Permissions: []string{"Policy.ReadWrite.ConditionalAccess", "Policy.Read.All"},
		Requests: []Request{CreateCA(graphRoot(f.Cloud), NewRegistrationMFAPolicy(users, groups, roles))}}
}

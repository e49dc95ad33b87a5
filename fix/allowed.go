package fix

import (
	"fmt"
	"slices"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// allow is one kind of request a fix may send, forward or to revert it, and the body fields it may
// carry (nil: the kind's body is checked elsewhere, or it has none).
type allow struct {
	op     checks.Op
	fields []string
}

// allowance is what one fix of the catalog may send.
type allowance []allow

// Fields a fix may write. A journal line is data from disk: undo trusts it only as far as a request
// the fix kind could have sent, so a crafted entry cannot turn undo into an arbitrary write.
var (
	scopeFields = []string{"appliesTo"}
	urlFields   = []string{"discoveryUrl", "termsOfUseUrl", "complianceUrl"}
	refFields   = []string{"@odata.id"}
	// registrationFields are the properties of deviceRegistrationPolicy (Graph reference).
	registrationFields = []string{"id", "displayName", "description", "userDeviceQuota", "multiFactorAuthConfiguration",
		"azureADRegistration", "azureADJoin", "localAdminPassword"}
	caFields = []string{"displayName", "state", "conditions", "grantControls", "sessionControls"}
)

// sends returns what a fix may send, forward and in its revert; false for a fix mdmdoctor does not have.
func sends(fixID string) (allowance, bool) {
	switch fixID {
	case "scope.mdm.add-user-to-group", "scope.mam-conflict.remove-user":
		return allowance{{checks.OpAddMember, refFields}, {checks.OpRemoveMember, nil}}, true
	case "scope.mdm.add-group", "scope.mam-conflict.remove-group":
		return allowance{{checks.OpAddIncluded, refFields}, {checks.OpRemoveIncluded, nil}, {checks.OpPatchScope, scopeFields}}, true
	case "scope.mdm.all", "scope.mam-conflict.mam-none":
		return allowance{{checks.OpPatchScope, scopeFields}, {checks.OpAddIncluded, refFields}}, true
	case "scope.urls.reset":
		return allowance{{checks.OpPatchScope, urlFields}}, true
	case "license.assign":
		return allowance{{checks.OpPatchUser, []string{"usageLocation"}}, {checks.OpAssignLicense, []string{"addLicenses", "removeLicenses"}}}, true
	case "devices.duplicates.disable-stale":
		return allowance{{checks.OpPatchDevice, []string{"accountEnabled"}}}, true
	case "devices.duplicates.delete-stale":
		return allowance{{checks.OpDeleteDevice, nil}, {checks.OpDeleteManagedDevice, nil}}, true
	case "mfa.registration.policy-not-required":
		return allowance{{checks.OpPutRegistration, registrationFields}}, true
	case "mfa.registration.create-ca-report-only":
		return allowance{{checks.OpCreateCA, caFields}, {checks.OpDeleteCA, nil}}, true
	}
	return nil, false
}

// check says why a step is not one the fix could send; nil when it is.
func (a allowance) check(s step) error {
	i := slices.IndexFunc(a, func(x allow) bool { return x.op == s.req.Op })
	if i < 0 {
		return fmt.Errorf("not a request of this fix")
	}
	for k := range s.body {
		if !slices.Contains(a[i].fields, k) {
			return fmt.Errorf("it sets %q", k)
		}
	}
	if s.req.Op == checks.OpPatchScope {
		if v := stringField(s.body, "appliesTo"); v != "" && v != "none" && v != "all" && v != "selected" {
			return fmt.Errorf("appliesTo %q is not none, all or selected", v)
		}
	}
	return nil
}

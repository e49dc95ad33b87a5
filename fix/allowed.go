package fix

import (
	"fmt"
	"slices"
)

// allow is one kind of request a fix may send, forward or to revert it, and the body fields it may
// carry (nil: the kind's body is checked elsewhere, or it has none).
type allow struct {
	kind   kind
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
		return allowance{{addMember, refFields}, {removeMember, nil}}, true
	case "scope.mdm.add-group", "scope.mam-conflict.remove-group":
		return allowance{{addIncluded, refFields}, {removeIncluded, nil}, {patchScope, scopeFields}}, true
	case "scope.mdm.all", "scope.mam-conflict.mam-none":
		return allowance{{patchScope, scopeFields}, {addIncluded, refFields}}, true
	case "scope.urls.reset":
		return allowance{{patchScope, urlFields}}, true
	case "license.assign":
		return allowance{{patchUser, []string{"usageLocation"}}, {assignLicense, []string{"addLicenses", "removeLicenses"}}}, true
	case "devices.duplicates.disable-stale":
		return allowance{{patchDevice, []string{"accountEnabled"}}}, true
	case "devices.duplicates.delete-stale":
		return allowance{{deleteDevice, nil}, {deleteManagedDevice, nil}}, true
	case "mfa.registration.policy-not-required":
		return allowance{{putRegistration, registrationFields}}, true
	case "mfa.registration.create-ca-report-only":
		return allowance{{createCA, caFields}, {deleteCA, nil}}, true
	}
	return nil, false
}

// check says why a step is not one the fix could send; nil when it is.
func (a allowance) check(s step) error {
	i := slices.IndexFunc(a, func(x allow) bool { return x.kind == s.kind })
	if i < 0 {
		return fmt.Errorf("not a request of this fix")
	}
	for k := range s.body {
		if !slices.Contains(a[i].fields, k) {
			return fmt.Errorf("it sets %q", k)
		}
	}
	if s.kind == patchScope {
		if v := stringField(s.body, "appliesTo"); v != "" && v != "none" && v != "all" && v != "selected" {
			return fmt.Errorf("appliesTo %q is not none, all or selected", v)
		}
	}
	return nil
}

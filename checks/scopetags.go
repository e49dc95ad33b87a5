package checks

import (
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Intune role-based access: an Intune role assignment limits what its members see by scope tags
// ("Users in Members can see the resources that have the same scope tags") and scope groups; "a scoped
// user can tell the relative priority of their policies even if they can't see all the other policies";
// "when there aren't any scope tags or some scope tags are assigned from different assignments, a user
// can only see devices that are part of some scope tags and can't see all devices". The Entra roles with
// Intune access read all Intune data. Graph does not tell the operator which tags limit them, so a result
// built on Intune data that an Intune role may have filtered is never a pass.
const intuneRBACDocs = "https://learn.microsoft.com/en-us/mem/intune/fundamentals/role-based-access-control"

// intuneVisibility says whether the operator sees all Intune data: an app-only sign-in (application
// permissions are not scoped by tags) or an Entra role with Intune access. Otherwise the operator reads
// Intune through an Intune role, which scope tags and scope groups may limit; why says so.
func intuneVisibility(f *facts.Facts) (full bool, why string) {
	op := f.Operator
	switch {
	case op == nil || !op.Known:
		return false, "The operator's roles are unknown (the access token could not be read), so Intune data hidden " +
			"by scope tags cannot be ruled out."
	case op.AppOnly:
		return true, ""
	case hasAny(op.RoleTemplateIDs, facts.IntuneReaders()):
		return true, ""
	}
	return false, "The operator holds no Entra role that reads all Intune data, so their access comes from an Intune " +
		"role; if that role's assignment is limited by scope tags or scope groups, Intune hides the restrictions and " +
		"devices outside it (" + intuneRBACDocs + ")."
}

package checks

import (
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func tenantMFACheck() Check {
	return asTenantCheck(mfaRegistrationCheck(), "Is MFA required to register or join devices, for whom, and by "+
		"exactly one of the device setting or Conditional Access?",
		[]facts.Source{facts.SrcRegistrationPolicy, facts.SrcConditionalAccess}, judgeTenantMFA)
}

// judgeTenantMFA is mfa.registration for every user: a policy reaches everyone when it includes All
// users (its exclusions are the emergency access accounts it is meant to spare), some when it names
// users, groups or roles.
func judgeTenantMFA(f *facts.Facts) []Result {
	return judgeMFA(f, mfaScope{who: "all users", reach: func(p facts.CAPolicy) (bool, bool, string) {
		if coversEveryone(p) {
			return true, false, ""
		}
		return false, len(p.IncludeUsers)+len(p.IncludeGroups)+len(p.IncludeRoles) > 0 && !containsFold(p.IncludeUsers, "None"), ""
	}})
}

// caCoverage words whom a CA policy covers, by the ids Graph gives.
func caCoverage(p facts.CAPolicy) string {
	var in []string
	if coversEveryone(p) {
		in = append(in, "all users")
	} else {
		in = appendIDs(in, "users", p.IncludeUsers)
		in = appendIDs(in, "groups", p.IncludeGroups)
		in = appendIDs(in, "roles", p.IncludeRoles)
	}
	if len(in) == 0 {
		in = []string{"no one"}
	}
	s := strings.Join(in, ", ")
	var ex []string
	ex = appendIDs(ex, "users", slices.DeleteFunc(slices.Clone(p.ExcludeUsers), func(u string) bool { return u == "" }))
	ex = appendIDs(ex, "groups", p.ExcludeGroups)
	ex = appendIDs(ex, "roles", p.ExcludeRoles)
	if len(ex) > 0 {
		s += " except " + strings.Join(ex, ", ")
	}
	return s
}

func appendIDs(out []string, kind string, ids []string) []string {
	if len(ids) == 0 {
		return out
	}
	return append(out, kind+" "+strings.Join(ids, ", "))
}

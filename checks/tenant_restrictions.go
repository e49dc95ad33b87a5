package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func tenantRestrictionsCheck() Check {
	return asTenantCheck(restrictionsCheck(), "What does each Windows platform restriction block, and for whom?",
		[]facts.Source{facts.SrcEnrollmentConfigs}, judgeTenantRestrictions)
}

// restrictionAudience words whom an enrollment configuration reaches, by group id, with its exclusions
// and assignment filters.
func restrictionAudience(c facts.EnrollmentConfig) string {
	var who string
	switch {
	case isDefaultConfig(c):
		return "every user no other restriction reaches (the default)"
	case c.AllUsers:
		who = "all users"
	case len(c.AssignedGroups) == 0:
		return "no one (it has no assignment)"
	default:
		who = "members of groups " + strings.Join(c.AssignedGroups, ", ")
	}
	if len(c.ExcludedGroups) > 0 {
		who += " except members of groups " + strings.Join(c.ExcludedGroups, ", ")
	}
	for _, fl := range c.Filters {
		who += ", on devices whose " + filterWords(fl)
	}
	return who
}

// judgeTenantRestrictions gives one result per Windows platform restriction, its subject the
// restriction: the default allowing Windows passes; a restriction that blocks Windows fails for the
// users it reaches; one that blocks only personal devices warns, since that is often intended.
func judgeTenantRestrictions(f *facts.Facts) []Result {
	src := requestOf(f, facts.SrcEnrollmentConfigs, "GET /beta/deviceManagement/deviceEnrollmentConfigurations")
	var rs []facts.EnrollmentConfig
	for _, c := range f.EnrollmentConfigs {
		if isWindowsPlatformRestriction(c) {
			rs = append(rs, c)
		}
	}
	if len(rs) == 0 {
		r := Result{Status: Pass, Summary: "No Windows platform restriction exists: nothing in enrollment " +
			"restrictions stops Windows devices.",
			Evidence: []Evidence{{Source: src, Detail: fmt.Sprintf("none of %d enrollment configurations "+
				"restricts Windows", len(f.EnrollmentConfigs))}}}
		if full, hidden := intuneVisibility(f); !full {
			r.Status, r.Summary, r.Explanation = Warn, "No Windows platform restriction is visible to "+
				"the operator.", hidden
		}
		return []Result{r}
	}
	slices.SortStableFunc(rs, byPriority)
	full, hidden := intuneVisibility(f)
	out := make([]Result, 0, len(rs))
	for _, c := range rs {
		w := c.Windows
		who := restrictionAudience(c)
		e := restrictionEvidence(src, c)
		e.Detail += "; it reaches " + who
		r := Result{Subject: c.DisplayName, Evidence: []Evidence{e}}
		where := fmt.Sprintf("%s%s, and open %q.", strings.ToUpper(restrictionsPage[:1]), restrictionsPage[1:],
			c.DisplayName)
		priority := " A user in several restricted groups gets the restriction with the lowest priority number."
		switch restrictionKindOf(w) {
		case blocksWindows:
			r.Status = Fail
			r.Summary = fmt.Sprintf("%q blocks Windows enrollment for %s.", c.DisplayName, who)
			r.Explanation = platformBlockedWhy("the users this restriction applies to") + priority
			r.Remediation = where + " If Windows devices of these users should enroll, set Windows (MDM) to Allow, " +
				"or narrow the assignment to the users who must not enroll Windows."
		case blocksPersonal:
			r.Status = Warn
			r.Summary = fmt.Sprintf("%q blocks personally owned Windows devices for %s.", c.DisplayName, who)
			r.Explanation = "Intune then accepts only Windows enrollments it can authorize as corporate (Windows " +
				"Autopilot, a device enrollment manager, a bulk provisioning package, Group Policy or co-management, " +
				"or a corporate device identifier). " +
				"Joining a device to Microsoft Entra in Windows setup or in Settings, or adding a work account on a " +
				"personal device, does not enroll it unless the device is registered " +
				"with Autopilot." + versionLimits(w) + priority
			r.Remediation = where + " If this is not intended, set Personally owned devices to Allow; if it is, make " +
				"sure these users' devices come through Windows Autopilot or are listed as corporate device " +
				"identifiers."
		default:
			r.Status = Pass
			r.Summary = fmt.Sprintf("%q allows Windows, personal devices included, for %s.", c.DisplayName, who)
			r.Explanation = strings.TrimSpace(versionLimits(w))
		}
		if r.Status == Pass && !full {
			r.Status, r.Explanation = Warn, strings.TrimSpace(r.Explanation+" "+hidden)
		}
		out = append(out, r)
	}
	return out
}

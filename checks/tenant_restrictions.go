package checks

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func tenantRestrictionsCheck() Check {
	return asTenantCheck(restrictionsCheck(), "What does each Windows platform restriction block, and for whom?",
		[]facts.Source{facts.SrcEnrollmentConfigs}, judgeTenantRestrictions)
}

// restrictionAudience words whom an enrollment configuration reaches, by group id.
func restrictionAudience(c facts.EnrollmentConfig) string {
	switch {
	case isDefaultConfig(c):
		return "every user no other restriction reaches (the default)"
	case c.AllUsers:
		return "all users"
	case len(c.AssignedGroups) == 0:
		return "no one (it has no assignment)"
	}
	return "members of groups " + strings.Join(c.AssignedGroups, ", ")
}

// judgeTenantRestrictions gives one result per Windows platform restriction, its subject the
// restriction: the default allowing Windows passes; a restriction that blocks Windows fails for the
// users it reaches; one that blocks only personal devices warns, since that is often intended.
func judgeTenantRestrictions(f *facts.Facts) []Result {
	src := requestOf(f, facts.SrcEnrollmentConfigs, "GET /v1.0/deviceManagement/deviceEnrollmentConfigurations")
	var rs []facts.EnrollmentConfig
	for _, c := range f.EnrollmentConfigs {
		if isWindowsPlatformRestriction(c) {
			rs = append(rs, c)
		}
	}
	if len(rs) == 0 {
		return []Result{{Status: Pass, Summary: "No Windows platform restriction exists: nothing in enrollment restrictions stops Windows devices.",
			Evidence: []Evidence{{Source: src, Detail: fmt.Sprintf("none of %d enrollment configurations restricts Windows", len(f.EnrollmentConfigs))}}}}
	}
	// The order Intune applies them in: lowest priority number first, the default last.
	slices.SortStableFunc(rs, func(a, b facts.EnrollmentConfig) int {
		if isDefaultConfig(a) != isDefaultConfig(b) {
			if isDefaultConfig(a) {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Priority, b.Priority)
	})
	out := make([]Result, 0, len(rs))
	for _, c := range rs {
		w := c.Windows
		who := restrictionAudience(c)
		r := Result{Subject: c.DisplayName, Evidence: []Evidence{{Source: src, Detail: fmt.Sprintf("%q (id %s, priority %d) reaches %s: Windows platformBlocked %t, personalDeviceEnrollmentBlocked %t, osMinimumVersion %s, osMaximumVersion %s",
			c.DisplayName, c.ID, c.Priority, who, w.PlatformBlocked, w.PersonalDeviceEnrollmentBlocked, valueOrNone(w.OSMinimumVersion), valueOrNone(w.OSMaximumVersion))}}}
		where := fmt.Sprintf("In the Intune admin center go to Devices > Enrollment > Device platform restriction, Windows restrictions tab, and open %q.", c.DisplayName)
		priority := " A user in several restricted groups gets the restriction with the lowest priority number."
		switch {
		case w.PlatformBlocked:
			r.Status = Fail
			r.Summary = fmt.Sprintf("%q blocks Windows enrollment for %s.", c.DisplayName, who)
			r.Explanation = "Intune refuses every Windows enrollment of the users this restriction applies to, automatic enrollment included; Windows typically reports it as 0x80180014 (platform not supported)." + priority
			r.Remediation = where + " If Windows devices of these users should enroll, set Windows (MDM) to Allow, or narrow the assignment to the users who must not enroll Windows."
		case w.PersonalDeviceEnrollmentBlocked:
			r.Status = Warn
			r.Summary = fmt.Sprintf("%q blocks personally owned Windows devices for %s.", c.DisplayName, who)
			r.Explanation = "Intune then accepts only Windows enrollments it can authorize as corporate (Windows Autopilot, a device enrollment manager, a bulk provisioning package, Group Policy or co-management, or a corporate device identifier). " +
				"Joining a device to Microsoft Entra in Settings or adding a work account on a personal device does not enroll it." + versionLimits(w) + priority
			r.Remediation = where + " If this is not intended, set Personally owned devices to Allow; if it is, make sure these users' devices come through Windows Autopilot or are listed as corporate device identifiers."
		default:
			r.Status = Pass
			r.Summary = fmt.Sprintf("%q allows Windows, personal devices included, for %s.", c.DisplayName, who)
			r.Explanation = strings.TrimSpace(versionLimits(w))
		}
		out = append(out, r)
	}
	return out
}

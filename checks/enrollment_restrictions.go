package checks

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

const restrictionsDocs = "https://learn.microsoft.com/en-us/mem/intune/enrollment/enrollment-restrictions-set"

func restrictionsCheck() Check {
	return Check{
		ID: "enrollment.restrictions", Title: "Windows enrollment restrictions", Step: StepDevices, Modes: userOnly,
		Question: "Does the Intune platform restriction that applies to the user let Windows devices enroll?",
		Docs:     restrictionsDocs,
		Needs:    []facts.Source{facts.SrcEnrollmentConfigs, facts.SrcMemberOf},
		Judge:    judgeRestrictions,
	}
}

// isWindowsPlatformRestriction matches platform restrictions that carry Windows settings, both the
// all-platform kind (deviceEnrollmentPlatformRestrictionsConfiguration) and the per-platform one.
func isWindowsPlatformRestriction(c facts.EnrollmentConfig) bool {
	return c.Windows != nil && strings.Contains(strings.ToLower(c.Type), "platformrestriction")
}

func judgeRestrictions(f *facts.Facts) []Result {
	src := requestOf(f, facts.SrcEnrollmentConfigs, "GET /v1.0/deviceManagement/deviceEnrollmentConfigurations")
	ac := applicableConfig(f, isWindowsPlatformRestriction)
	var ev []Evidence
	for _, c := range ac.considered {
		ev = append(ev, Evidence{Source: src, Detail: "Windows platform restriction " + c})
	}
	if !ac.found {
		return []Result{{
			Status:      Pass,
			Summary:     "No Windows platform restriction applies to the user",
			Explanation: "Intune has no platform restriction with Windows settings that reaches the user, so nothing in enrollment restrictions stops the user's Windows devices.",
			Evidence:    append(ev, Evidence{Source: src, Detail: "no Windows platform restriction reaches the user"}),
		}}
	}
	c, w := ac.config, ac.config.Windows
	versions := versionLimits(w)
	ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("the one that applies, %q (id %s, priority %d): Windows platformBlocked %t, personalDeviceEnrollmentBlocked %t, osMinimumVersion %s, osMaximumVersion %s",
		c.DisplayName, c.ID, c.Priority, w.PlatformBlocked, w.PersonalDeviceEnrollmentBlocked, valueOrNone(w.OSMinimumVersion), valueOrNone(w.OSMaximumVersion))})
	where := fmt.Sprintf("in the Intune admin center go to Devices > Enrollment > Device platform restriction, Windows restrictions tab, open %q", c.DisplayName)
	scope := fmt.Sprintf(" Or, if the restriction is right for its group, take the user out of group %q.", ac.group)
	if ac.group == "" {
		scope = " It reaches every user: rather than change it for everyone, create a restriction that allows what this user needs, assign it to a group with the user in it, and give it a higher priority."
	}
	switch {
	case w.PlatformBlocked:
		return []Result{{
			Status:  Fail,
			Summary: fmt.Sprintf("The enrollment restriction %q blocks Windows for this user", c.DisplayName),
			Explanation: fmt.Sprintf("%q (priority %d) is the platform restriction Intune applies to the user, through %s, and it sets Windows to Block. "+
				"Intune refuses every Windows enrollment of the user, automatic enrollment included; Windows typically reports it as 0x80180014 (platform not supported).", c.DisplayName, c.Priority, ac.via),
			Remediation: "If Windows devices should enroll for this user, " + where + " and set Windows (MDM) to Allow." + scope,
			Evidence:    ev,
		}}
	case w.PersonalDeviceEnrollmentBlocked:
		return []Result{{
			Status:  Fail,
			Summary: fmt.Sprintf("The enrollment restriction %q blocks personally owned Windows devices for this user", c.DisplayName),
			Explanation: fmt.Sprintf("%q (priority %d) applies to the user through %s, and blocks personally owned Windows devices. "+
				"Intune then accepts only Windows enrollments it can authorize as corporate: Windows Autopilot, a device enrollment manager account, a bulk provisioning package, Group Policy or co-management, or a device listed under corporate device identifiers. "+
				"Automatic enrollment when the user joins a device to Microsoft Entra in Windows setup or in Settings, or adds a work account on a personal device, is refused, so the user's own devices do not enroll while corporate-owned and Autopilot devices still do.%s",
				c.DisplayName, c.Priority, ac.via, versions),
			Remediation: "If the user's device is corporate-owned, register it with Windows Autopilot or add it under Devices > Enrollment > Corporate device identifiers, then enroll it again. " +
				"If personal Windows devices should be allowed for this user, " + where + " and set Personally owned devices to Allow." + scope,
			Evidence: ev,
		}}
	}
	return []Result{{
		Status:      Pass,
		Summary:     fmt.Sprintf("The enrollment restriction that applies (%q) allows Windows, personal devices included", c.DisplayName),
		Explanation: fmt.Sprintf("%q (priority %d) applies to the user through %s, and allows Windows devices, personally owned ones included.%s", c.DisplayName, c.Priority, ac.via, versions),
		Evidence:    ev,
	}}
}

// versionLimits words a restriction's Windows version range as a sentence, or "" when it has none.
func versionLimits(w *facts.PlatformRestriction) string {
	switch {
	case w.OSMinimumVersion != "" && w.OSMaximumVersion != "":
		return fmt.Sprintf(" Windows versions outside %s to %s cannot enroll.", w.OSMinimumVersion, w.OSMaximumVersion)
	case w.OSMinimumVersion != "":
		return fmt.Sprintf(" Windows versions below %s cannot enroll.", w.OSMinimumVersion)
	case w.OSMaximumVersion != "":
		return fmt.Sprintf(" Windows versions above %s cannot enroll.", w.OSMaximumVersion)
	}
	return ""
}

package checks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

const limitsDocs = "https://learn.microsoft.com/en-us/mem/intune/enrollment/device-limit-intune-azure"

// intuneLimitWindow: Intune's device limit counts only devices that contacted Intune in the last 90 days.
const intuneLimitWindow = 90 * 24 * time.Hour

// The documented rules (limitsDocs, "Windows devices"): "Intune device limit restrictions don't apply for
// the following Windows enrollment types: co-managed enrollments, Group policy object (GPO) enrollments,
// Azure AD joined enrollments, bulk Azure AD joined enrollments, Autopilot enrollments, device enrollment
// manager enrollments", and the Entra "Maximum number of devices per user" "applies to devices that are
// Azure AD joined or Azure AD registered. It doesn't apply to hybrid Azure AD joined devices." The same
// page's table says the opposite for hybrid joined devices (Intune limit yes, Entra limit no); the text,
// which its GPO example repeats, is followed.

// exemptFromIntuneLimit reports whether Intune leaves an enrollment type out of a user's device limit:
// enrollments an admin or the device itself starts (Entra join, Autopilot, Group Policy, co-management,
// bulk, device enrollment manager), which the limit does not block either. windowsAutoEnrollment ("Add
// work account") counts unless its Entra record shows a hybrid joined device (Group Policy).
func exemptFromIntuneLimit(f *facts.Facts, m facts.ManagedDevice) bool {
	switch strings.ToLower(m.DeviceEnrollmentType) {
	case "deviceenrollmentmanager", "windowsazureadjoin", "windowsazureadjoinusingdeviceauth",
		"windowsbulkuserless", "windowsbulkazuredomainjoin", "windowscomanagement", "applebulkwithoutuser",
		"androidenterprisededicateddevice", "azureadjoinusingazurevmextension":
		return true
	case "windowsautoenrollment":
		for _, d := range f.UserDevices {
			if strings.EqualFold(d.DeviceID, m.AzureADDeviceID) && strings.EqualFold(d.TrustType, "ServerAd") {
				return true
			}
		}
	}
	return false
}

func devicesLimitsCheck() Check {
	return Check{
		ID: "devices.limits", Title: "Device limits and who may join", Step: StepDevices, Modes: userOnly,
		Question: "May the user join or register another device, and enroll it, within the Entra and Intune " +
			"device limits?",
		Docs: limitsDocs,
		// SrcUser: "selected" join permissions list users by object id.
		Needs: []facts.Source{facts.SrcUser, facts.SrcUserDevices, facts.SrcRegistrationPolicy, facts.SrcManagedDevices,
			facts.SrcEnrollmentConfigs, facts.SrcMemberOf},
		Judge: judgeLimits,
	}
}

func judgeLimits(f *facts.Facts) []Result {
	polSrc := requestOf(f, facts.SrcRegistrationPolicy, "GET /v1.0/policies/deviceRegistrationPolicy")
	pol := f.RegistrationPolicy
	if pol == nil {
		return []Result{{Status: Error, Summary: "Could not run: the device registration policy was read but " +
			"came back empty",
			Error: "the device registration policy (" + polSrc + ") came back empty: check that the operator can " +
				"read it (Policy.Read.DeviceConfiguration) and run the check again"}}
	}
	var findings []deviceFinding
	var ev []Evidence
	add := func(fd deviceFinding, ok bool) {
		if ok {
			findings = append(findings, fd)
		}
	}
	fd, ok, detail := judgeJoinPermission(f, pol.AzureADJoin, true)
	ev = append(ev, Evidence{Source: polSrc, Detail: "Users may join devices to Microsoft Entra " +
		"(azureADJoin): " + detail})
	add(fd, ok)
	fd, ok, detail = judgeJoinPermission(f, pol.AzureADRegistration, false)
	ev = append(ev, Evidence{Source: polSrc, Detail: "Users may register their devices with Microsoft Entra " +
		"(azureADRegistration): " + detail})
	add(fd, ok)
	fd, ok, quotaEv := judgeEntraQuota(f, pol, polSrc)
	ev = append(ev, quotaEv...)
	add(fd, ok)
	fd, ok, limitEv := judgeIntuneLimit(f)
	ev = append(ev, limitEv...)
	add(fd, ok)

	if len(findings) == 0 {
		return []Result{{
			Status: Pass,
			Summary: "The user may join and register devices and is below the Entra device quota and the Intune " +
				"device limit",
			Explanation: "Neither Microsoft Entra nor Intune will refuse the user's next device because of who may " +
				"join or how many devices the user already has.",
			Evidence: ev,
		}}
	}
	slices.SortStableFunc(findings, func(a, b deviceFinding) int { return a.status.Severity() - b.status.Severity() })
	r := Result{Status: findings[0].status, Summary: findings[0].summary, Evidence: ev}
	if n := len(findings) - 1; n > 0 {
		r.Summary += fmt.Sprintf(" (and %d more finding%s)", n, pluralSuffix(n))
	}
	var why, do []string
	for _, fd := range findings {
		why = append(why, fd.explanation)
		do = append(do, fd.remediation)
	}
	r.Explanation, r.Remediation = strings.Join(why, " "), strings.Join(do, " ")
	return []Result{r}
}

// judgeJoinPermission reads who may join (join true) or register (join false) devices. Not being allowed
// to join fails: Windows cannot join, so it never enrolls. Not being allowed to register only stops
// personal devices, which is a warning.
func judgeJoinPermission(f *facts.Facts, m facts.Membership, join bool) (deviceFinding, bool, string) {
	setting, verb, status := "Users may register their devices with Microsoft Entra", "register", Warn
	if join {
		setting, verb, status = "Users may join devices to Microsoft Entra", "join", Fail
	}
	consequence := "Windows stops at the join (error 0x801C0003, the user is not authorized) and the device never " +
		"reaches automatic enrollment."
	if !join {
		consequence = "Personal devices cannot register (add a work or school account), so they never enroll " +
			"automatically; devices joined to Microsoft Entra are not affected."
	}
	switch strings.ToLower(m.Kind) {
	case "all":
		return deviceFinding{}, false, "All"
	case "none":
		return deviceFinding{
			status:  status,
			summary: fmt.Sprintf("No user may %s devices: %q is set to None", verb, setting),
			explanation: fmt.Sprintf("The device setting %q is None, so nobody can %s a device with "+
				"Microsoft Entra. %s", setting, verb, consequence),
			remediation: fmt.Sprintf("In the Entra admin center go to Devices > Device settings and set %q to All, "+
				"or to Selected with a group that contains the user; then Save.", setting),
		}, true, "None"
	case "enumerated", "selected":
		detail := fmt.Sprintf("Selected (%d users, %d groups)", len(m.Users), len(m.Groups))
		if via, ok := membershipReaches(f, m); ok {
			return deviceFinding{}, false, detail + "; the user is included " + via
		}
		return deviceFinding{
			status: status,
			summary: fmt.Sprintf("The user may not %s devices: %q is limited to selected users and groups that "+
				"leave the user out", verb, setting),
			explanation: fmt.Sprintf("The device setting %q is Selected, and neither the user nor any group the user "+
				"belongs to is selected. %s", setting, consequence),
			remediation: fmt.Sprintf("In the Entra admin center go to Devices > Device settings, open the Selected "+
				"list under %q and add the user or a group that contains the user; then Save.", setting),
		}, true, detail + "; the user is not among them"
	}
	// A kind mdmdoctor does not know (or none at all) says nothing about the user: no pass on it.
	return deviceFinding{
		status:  Warn,
		summary: fmt.Sprintf("Who may %s devices could not be read: %q states it as %q", verb, setting, m.Kind),
		explanation: fmt.Sprintf("The device registration policy names who may %s devices by a membership of kind "+
			"all, enumerated (Selected) or none; this one is neither, so whether the user may %s "+
			"is not known.", verb, verb),
		remediation: fmt.Sprintf("In the Entra admin center go to Devices > Device settings and read %q; run with "+
			"--debug and report the policy as Graph sent it.", setting),
	}, true, fmt.Sprintf("not stated in the policy as read (%q): not judged", m.Kind)
}

// membershipReaches says whether an enumerated membership names the user or one of the user's groups.
func membershipReaches(f *facts.Facts, m facts.Membership) (string, bool) {
	ids := []string{f.Target.User}
	if f.User != nil {
		ids = append(ids, f.User.ID, f.User.UserPrincipalName)
	}
	for _, u := range m.Users {
		if u != "" && slices.ContainsFunc(ids, func(id string) bool { return strings.EqualFold(id, u) }) {
			return "by name", true
		}
	}
	for _, gid := range m.Groups {
		for _, g := range f.MemberOf {
			if strings.EqualFold(g.ID, gid) {
				return fmt.Sprintf("through group %q", g.DisplayName), true
			}
		}
	}
	return "", false
}

// judgeEntraQuota compares the user's Entra joined and registered devices with userDeviceQuota. Hybrid
// joined devices do not count against it.
func judgeEntraQuota(f *facts.Facts, pol *facts.DeviceRegistrationPolicy, polSrc string) (deviceFinding, bool, []Evidence) {
	devSrc := requestOf(f, facts.SrcUserDevices, "GET /v1.0/users/{upn}/registeredDevices")
	var counted []string
	for _, d := range uniqueEntra(f.UserDevices) {
		if strings.EqualFold(d.TrustType, "AzureAd") || strings.EqualFold(d.TrustType, "Workplace") {
			counted = append(counted, fmt.Sprintf("%q (%s)", d.DisplayName, trustWords(d.TrustType)))
		}
	}
	q, n := pol.UserDeviceQuota, len(counted)
	if path := PathOf(f); path.only(facts.PathGPO) || (path.Basis == PathInferred && path.only(facts.PathGPO, facts.PathCoManage)) {
		// A hybrid joined device does not count against the quota, and its join is not refused by it.
		return deviceFinding{}, false, []Evidence{pathEvidence(path),
			{Source: polSrc, Detail: fmt.Sprintf("Maximum number of devices per user (userDeviceQuota): %d; it does "+
				"not apply to hybrid joined devices", q)}}
	}
	ev := []Evidence{
		{Source: polSrc, Detail: fmt.Sprintf("Maximum number of devices per user (userDeviceQuota): %d", q)},
		{Source: devSrc, Detail: fmt.Sprintf("the user has %d Microsoft Entra joined or "+
			"registered device%s%s", n, pluralSuffix(n), listAfterColon(counted))},
	}
	cleanup := "In the Entra admin center open Users > the user > Devices, check each device's Activity date with " +
		"the user, and delete the records of devices the user no longer has (devices.duplicates points out records " +
		"that are one device twice)."
	switch {
	case q < 0:
		// Not a documented value (the portal's "Unlimited" may read this way): judge nothing rather than guess.
		ev[0].Detail += " (not a documented value: the quota is not judged)"
	case q == 0:
		return deviceFinding{
			status: Fail,
			summary: fmt.Sprintf("The Entra device quota (userDeviceQuota) is %d: no user can join or "+
				"register any device", q),
			explanation: "userDeviceQuota 0 means nobody may join or register a device. It is a known trap: updating " +
				"the device registration policy through Graph without userDeviceQuota resets it to 0, " +
				"so a script that changed another setting can leave the whole tenant unable to join devices.",
			remediation: "In the Entra admin center go to Devices > Device settings and set Maximum number of " +
				"devices per user to the number your organisation intends (Microsoft's default is 50); then Save.",
		}, true, ev
	case n >= q:
		fd := deviceFinding{
			status: Fail,
			summary: fmt.Sprintf("The user has %d Entra devices and the quota is %d per user: Entra will refuse "+
				"another join or registration", n, q),
			explanation: fmt.Sprintf("Microsoft Entra counts the user's joined and registered devices (not hybrid "+
				"joined ones) against the maximum of %d per user. "+
				"At the limit, Windows stops with error 0x801C000E (registration quota reached) and the new device "+
				"never gets the Entra identity that automatic enrollment needs.", q),
			remediation: cleanup + " Or raise Maximum number of devices per user in Devices > Device settings.",
		}
		// Issue 14: a verdict that depends on an unknown path is a warning naming the paths it stops.
		if path := PathOf(f); path.has(facts.PathGPO) && !path.only(facts.PathGPO) {
			var stopped []string
			for _, x := range path.Paths {
				if x != facts.PathGPO {
					stopped = append(stopped, string(x))
				}
			}
			fd.status = Warn
			fd.summary += fmt.Sprintf(" (paths %s); whether it stops this device depends on how it enrolls: a hybrid "+
				"joined device (gpo) is not limited", strings.Join(stopped, ", "))
			ev = append(ev, pathEvidence(path))
		}
		return fd, true, ev
	case n == q-1:
		return deviceFinding{
			status: Warn,
			summary: fmt.Sprintf("The user has %d Entra devices and the quota is %d per user: one more "+
				"device reaches it", n, q),
			explanation: fmt.Sprintf("Microsoft Entra counts the user's joined and registered devices against the "+
				"maximum of %d per user; after one more device, the next join or registration fails with "+
				"error 0x801C000E.", q),
			remediation: cleanup,
		}, true, ev
	}
	return deviceFinding{}, false, ev
}

// judgeIntuneLimit compares the user's counted Intune enrollments with the device limit restriction that
// applies. Reaching it is a warning, not a failure: it blocks the enrollments users start themselves,
// while Windows automatic enrollment (Entra join, Autopilot, Group Policy, co-management) neither counts
// nor is blocked.
func judgeIntuneLimit(f *facts.Facts) (deviceFinding, bool, []Evidence) {
	cfgSrc := requestOf(f, facts.SrcEnrollmentConfigs, "GET /v1.0/deviceManagement/deviceEnrollmentConfigurations")
	mdSrc := requestOf(f, facts.SrcManagedDevices, "GET /v1.0/users/{upn}/managedDevices")
	ac := applicableConfig(f, func(c facts.EnrollmentConfig) bool {
		return strings.EqualFold(c.Type, "deviceEnrollmentLimitConfiguration")
	})
	var ev []Evidence
	for _, c := range ac.considered {
		ev = append(ev, Evidence{Source: cfgSrc, Detail: "device limit restriction " + c})
	}
	if !ac.found || ac.config.Limit <= 0 {
		ev = append(ev, Evidence{Source: cfgSrc, Detail: "no Intune device limit restriction applies to the user"})
		return deviceFinding{}, false, ev
	}
	var counted, exempt []string
	for _, m := range f.ManagedDevices {
		label := fmt.Sprintf("%q (%s)", m.DeviceName, valueOrNone(m.DeviceEnrollmentType))
		recent := m.LastSyncDateTime.IsZero() || f.Now.Sub(m.LastSyncDateTime) <= intuneLimitWindow
		if recent && !exemptFromIntuneLimit(f, m) {
			counted = append(counted, label)
		} else {
			exempt = append(exempt, label)
		}
	}
	limit, n, name := ac.config.Limit, len(counted), ac.config.DisplayName
	if path := PathOf(f); !path.has(facts.PathRegister) {
		// Only a work account added on a personal device is a Windows enrollment the limit applies to.
		ev = append(ev, pathEvidence(path), Evidence{Source: mdSrc, Detail: fmt.Sprintf("%d of the user's %d Intune "+
			"records count toward the limit of %d; the limit does not apply to this "+
			"device's path", n, len(f.ManagedDevices), limit)})
		return deviceFinding{}, false, ev
	}
	ev = append(ev, Evidence{Source: mdSrc, Detail: fmt.Sprintf("%d of the user's %d Intune records count toward the "+
		"limit of %d%s; not counted (enrolled by Entra join, Autopilot, Group Policy, co-management, bulk or a "+
		"device enrollment manager, or silent for 90 days): %d%s",
		n, len(f.ManagedDevices), limit, listAfterColon(counted), len(exempt), listAfterColon(exempt))})
	why := fmt.Sprintf("The Intune device limit restriction %q (priority %d) allows %d devices per user. It counts "+
		"and blocks the enrollments users start themselves (mostly phones, tablets and Macs enrolled through the "+
		"Company Portal; Windows reports the refusal as 0x80180013). "+
		"Automatic enrollment of a Windows device joined to Microsoft Entra, Autopilot, Group Policy and "+
		"co-management enrollments neither count nor are blocked.", name, ac.config.Priority, limit)
	do := fmt.Sprintf("In the Intune admin center go to Devices > All devices, filter by the user, and delete or "+
		"retire the devices the user no longer has; or raise the limit in Devices > Enrollment > Device limit "+
		"restrictions > %q (at most 15).", name)
	switch {
	case n >= limit:
		return deviceFinding{status: Warn, summary: fmt.Sprintf("The user has %d Intune enrollments that count "+
			"toward the device limit of %d: Intune refuses the next one the user starts", n, limit),
			explanation: why, remediation: do}, true, ev
	case n == limit-1:
		return deviceFinding{status: Warn, summary: fmt.Sprintf("The user has %d Intune enrollments that count "+
			"toward the device limit of %d: one more reaches it", n, limit),
			explanation: why, remediation: do}, true, ev
	}
	return deviceFinding{}, false, ev
}

// listAfterColon renders ": a, b" for a non-empty list.
func listAfterColon(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return ": " + strings.Join(items, ", ")
}

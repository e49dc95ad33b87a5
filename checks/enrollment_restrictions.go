package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The rules of enrollment.restrictions, from Microsoft's "Set enrollment restrictions" and "Create
// device platform restrictions" pages (restrictionsDocs; filters and priority in enrollment_assign.go):
//   - A Windows platform block ("MDM: Block") refuses every Windows MDM enrollment of the users it applies to.
//   - "If you block personally owned Windows devices from enrollment, Intune checks to make sure that each
//     new Windows enrollment request has been authorized as a corporate enrollment." Authorized: a device
//     enrollment manager account; Windows Autopilot; a device registered with Windows Autopilot (but not
//     the MDM-enrollment-only option from Settings); a device listed under corporate device identifiers;
//     a bulk provisioning package; GPO or automatic enrollment from Configuration Manager for
//     co-management. Blocked: automatic MDM enrollment with Entra join during Windows setup or from
//     Windows Settings, and Add Work Account from Settings ("These won't be blocked if registered with
//     Autopilot").
//   - "Allow min/max range": Windows supports major.minor.build.rev; "Windows 10 does not provide the rev
//     number during enrollment", so a minimum with a revision blocks a device of the same build.
//   - The single-platform kind can block operating system SKUs (blockedSkus).
const restrictionsDocs = "https://learn.microsoft.com/en-us/mem/intune/enrollment/enrollment-restrictions-set"

func restrictionsCheck() Check {
	return Check{
		ID: "enrollment.restrictions", Title: "Windows enrollment restrictions", Step: StepDevices, Modes: userOnly,
		Question: "Does the Intune platform restriction that applies to the user let the device enroll on its path?",
		Docs:     restrictionsDocs,
		Needs:    []facts.Source{facts.SrcEnrollmentConfigs, facts.SrcMemberOf},
		Judge:    judgeRestrictions,
	}
}

// isWindowsPlatformRestriction matches platform restrictions that carry Windows settings: the
// all-platforms kind (deviceEnrollmentPlatformRestrictionsConfiguration) and the single-platform kind
// (deviceEnrollmentPlatformRestrictionConfiguration) for Windows.
func isWindowsPlatformRestriction(c facts.EnrollmentConfig) bool {
	return c.Windows != nil && strings.Contains(strings.ToLower(c.Type), "platformrestriction")
}

// restrictionKind is what a Windows platform restriction blocks, the rule enrollment.restrictions judges
// for one user and for the tenant alike (restrictionsDocs).
type restrictionKind int

const (
	// blocksNothing: Windows enrolls, within the version range and editions the restriction allows.
	blocksNothing restrictionKind = iota
	// blocksPersonal: only enrollments Intune authorizes as corporate (personalBlockRefuses).
	blocksPersonal
	// blocksWindows: every Windows MDM enrollment of the users it applies to.
	blocksWindows
)

func restrictionKindOf(w *facts.PlatformRestriction) restrictionKind {
	switch {
	case w.PlatformBlocked:
		return blocksWindows
	case w.PersonalDeviceEnrollmentBlocked:
		return blocksPersonal
	}
	return blocksNothing
}

// personalBlockRefuses reports whether a block of personally owned devices refuses a path: Entra join
// in setup or Settings and adding a work account are not authorized as corporate enrollments; Group
// Policy, co-management, Autopilot, bulk packages and device enrollment managers are.
func personalBlockRefuses(p facts.EnrollmentPath) bool {
	return p == facts.PathJoin || p == facts.PathRegister
}

// platformBlockedWhy is what a Windows platform block does to whom it applies to.
func platformBlockedWhy(whom string) string {
	return "Intune refuses every Windows enrollment of " + whom + ", automatic enrollment included; Windows " +
		"typically reports it as 0x80180014 (platform not supported)."
}

// restrictionsPage is where the Intune admin center shows Windows platform restrictions.
const restrictionsPage = "in the Intune admin center go to Devices > Enrollment > Device platform restriction, " +
	"Windows restrictions tab"

// pathOutcome is what a restriction does to one enrollment path.
type pathOutcome int

const (
	allowed pathOutcome = iota
	dependsOnDevice
	blocked
)

// pathVerdict is the restriction outcome for one path, with the restriction that decided it.
type pathVerdict struct {
	path    facts.EnrollmentPath
	verdict pathOutcome
	// decided names the restriction that decided and why, in words.
	why string
	// by is the restriction that decided; nil when none applies.
	by *appliedConfig
}

func judgeRestrictions(f *facts.Facts) []Result {
	src := requestOf(f, facts.SrcEnrollmentConfigs, "GET /beta/deviceManagement/deviceEnrollmentConfigurations")
	path := PathOf(f)
	user := applicableConfig(f, isWindowsPlatformRestriction)
	dflt := defaultConfig(f, isWindowsPlatformRestriction)
	dev, devKnown := restrictionDevice(f)
	ev := []Evidence{pathEvidence(path)}
	for _, c := range user.considered {
		ev = append(ev, Evidence{Source: src, Detail: "Windows platform restriction " + c})
	}
	if user.found {
		ev = append(ev, restrictionEvidence(src, user.config))
	}
	if devKnown {
		ev = append(ev, Evidence{Source: "Entra device record", Detail: fmt.Sprintf("%q (deviceId %s): "+
			"operatingSystemVersion %s", dev.DisplayName, dev.DeviceID, valueOrNone(dev.OperatingSystemVersion))})
	}
	var pvs []pathVerdict
	for _, p := range path.Paths {
		ac := user
		if p == facts.PathBulk {
			// A bulk package enrolls without a user: only the default restriction is enforced.
			ac = dflt
		}
		pvs = append(pvs, judgePathRestriction(p, ac, dev, devKnown))
	}
	r := restrictionVerdict(path, pvs)
	r.Evidence = append(ev, r.Evidence...)
	if r.Status == Pass {
		if full, why := intuneVisibility(f); !full {
			r.Status = Warn
			r.Summary += ", as far as the operator can see"
			r.Explanation += " " + why
			r.Remediation = "Run the check again as an operator who sees every restriction (Intune Administrator, " +
				"Global Reader, or an Intune role with the scope tag \"Default\" and all others)."
		}
	}
	return []Result{r}
}

// restrictionDevice is the Entra record of the pasted device, whose operatingSystemVersion the version
// range is judged against (dsregcmd prints no OS version; a device that never enrolled has no Intune record).
func restrictionDevice(f *facts.Facts) (facts.EntraDevice, bool) {
	if f.Dsregcmd == nil {
		return facts.EntraDevice{}, false
	}
	return dsregDeviceRecord(f, dsregView{f.Dsregcmd})
}

func restrictionEvidence(src string, c facts.EnrollmentConfig) Evidence {
	w := c.Windows
	kind := "all-platforms restriction"
	if c.Platform != "" {
		kind = "single-platform restriction (" + c.Platform + ")"
	}
	d := fmt.Sprintf("%q (id %s, priority %d, %s): Windows platformBlocked %t, personalDeviceEnrollmentBlocked %t, "+
		"osMinimumVersion %s, osMaximumVersion %s",
		c.DisplayName, c.ID, c.Priority, kind, w.PlatformBlocked, w.PersonalDeviceEnrollmentBlocked, valueOrNone(w.OSMinimumVersion), valueOrNone(w.OSMaximumVersion))
	if len(w.BlockedSkus) > 0 {
		d += ", blockedSkus " + strings.Join(w.BlockedSkus, ", ")
	}
	if len(c.RoleScopeTagIDs) > 0 {
		d += ", scope tags " + strings.Join(c.RoleScopeTagIDs, ", ")
	}
	return Evidence{Source: src, Detail: d}
}

// judgePathRestriction says what the restriction that applies does to one path. A filtered assignment
// makes the outcome depend on the device unless the restriction behind it gives the same answer.
func judgePathRestriction(p facts.EnrollmentPath, ac appliedConfig, dev facts.EntraDevice, devKnown bool) pathVerdict {
	pv := restrictionOutcome(p, ac, dev, devKnown)
	if ac.filter == nil || ac.next == nil {
		return pv
	}
	other := judgePathRestriction(p, *ac.next, dev, devKnown)
	if other.verdict == pv.verdict && pv.verdict != dependsOnDevice {
		return pv
	}
	return pathVerdict{path: p, verdict: dependsOnDevice, by: &ac,
		why: fmt.Sprintf("%q applies only to devices whose %s (%s); the others get the next restriction (%s)",
			ac.config.DisplayName, filterWords(*ac.filter), pv.why, other.why)}
}

func restrictionOutcome(p facts.EnrollmentPath, ac appliedConfig, dev facts.EntraDevice, devKnown bool) pathVerdict {
	if !ac.found {
		return pathVerdict{path: p, verdict: allowed, why: "no Windows platform restriction reaches the user"}
	}
	c, w := ac.config, ac.config.Windows
	pv := pathVerdict{path: p, by: &ac}
	name := fmt.Sprintf("%q (priority %d)", c.DisplayName, c.Priority)
	switch kind := restrictionKindOf(w); {
	case kind == blocksWindows:
		pv.verdict, pv.why = blocked, name+" blocks Windows (MDM) on every path"
		return pv
	case kind == blocksPersonal && personalBlockRefuses(p):
		pv.verdict, pv.why = blocked, name+" blocks personally owned Windows "+
			"devices, and "+p.Describe()+" is not authorized as a corporate enrollment unless the device is "+
			"registered with Windows Autopilot or listed under corporate device identifiers"
		return pv
	}
	if w.OSMinimumVersion != "" || w.OSMaximumVersion != "" {
		v := strings.TrimSpace(dev.OperatingSystemVersion)
		switch {
		case !devKnown || v == "":
			pv.verdict, pv.why = dependsOnDevice, name+" allows only Windows "+versionRange(w)+", and the device's "+
				"Windows version is not known (no Entra record of the pasted device)"
			return pv
		case outsideRange(v, w):
			pv.verdict, pv.why = blocked, fmt.Sprintf("%s allows only Windows %s, and the device's Entra "+
				"record says %s", name, versionRange(w), v)
			return pv
		}
	}
	if len(w.BlockedSkus) > 0 {
		pv.verdict, pv.why = dependsOnDevice, fmt.Sprintf("%s blocks the Windows editions (operating system SKUs) "+
			"%s, and the device's edition is not known to Graph "+
			"before enrollment", name, strings.Join(w.BlockedSkus, ", "))
		return pv
	}
	pv.verdict, pv.why = allowed, name+" allows "+p.Describe()
	return pv
}

// restrictionVerdict sums the path verdicts into one result.
func restrictionVerdict(path PathReport, pvs []pathVerdict) Result {
	var blockedPaths, dependPaths []string
	var first *pathVerdict
	for i, pv := range pvs {
		switch pv.verdict {
		case blocked:
			blockedPaths = append(blockedPaths, string(pv.path))
		case dependsOnDevice:
			dependPaths = append(dependPaths, string(pv.path))
		}
		if pv.verdict != allowed && (first == nil || pv.verdict > first.verdict) {
			first = &pvs[i]
		}
	}
	var ev []Evidence
	for _, pv := range pvs {
		ev = append(ev, Evidence{Source: "enrollment path " + string(pv.path),
			Detail: [...]string{"allowed", "depends on the device", "blocked"}[pv.verdict] + ": " + pv.why})
	}
	if first == nil {
		r := Result{Status: Pass, Evidence: ev,
			Summary:     "No Windows platform restriction stops the device on its enrollment path",
			Explanation: "The platform restriction that applies to the user allows Windows on " + pathList(pvs) + "."}
		if pvs[0].by != nil {
			r.Summary = fmt.Sprintf("The enrollment restriction that applies (%q) allows "+
				"Windows on %s", pvs[0].by.config.DisplayName, pathList(pvs))
		}
		return r
	}
	c := first.by
	where := restrictionsPage
	if c != nil {
		where += fmt.Sprintf(", open %q", c.config.DisplayName)
	}
	scope := ""
	if c != nil && c.group != "" {
		scope = fmt.Sprintf(" Or, if the restriction is right for its group, take the user out of group %q.", c.group)
	} else if c != nil && !isDefaultConfig(c.config) {
		scope = " It reaches every user: rather than change it for everyone, create a restriction that allows what " +
			"this user needs, assign it to a group with the user in it, and give it a higher priority."
	}
	r := Result{Evidence: ev, Remediation: "If the device should enroll, " + where + " and allow what it needs " +
		"(Windows MDM, personally owned devices, the version range)." + scope}
	allBlocked := len(blockedPaths) == len(pvs)
	switch {
	case allBlocked:
		r.Status = Fail
		r.Summary = fmt.Sprintf("The enrollment restriction %q blocks this device's "+
			"enrollment (%s)", c.config.DisplayName, strings.Join(blockedPaths, ", "))
	case len(blockedPaths) > 0:
		r.Status = Warn
		r.Summary = fmt.Sprintf("The enrollment restriction %q blocks enrollment by %s; whether it stops this device "+
			"depends on how it enrolls", c.config.DisplayName, strings.Join(blockedPaths, ", "))
	default:
		r.Status = Warn
		r.Summary = "Whether the Windows platform restriction lets this device enroll depends on " +
			"the device: " + strings.Join(dependPaths, ", ")
	}
	r.Explanation = first.why + "."
	kind := blocksNothing
	if c != nil {
		kind = restrictionKindOf(c.config.Windows)
	}
	if first.verdict == blocked && kind == blocksWindows {
		r.Explanation += " " + platformBlockedWhy("the user")
	}
	if !allBlocked && path.Basis != PathGiven {
		r.Explanation += " The verdict depends on the enrollment path (" + path.Words() + "): give --path to judge one."
	}
	if first.verdict == blocked && kind == blocksPersonal {
		r.Explanation += " Group Policy, co-management, Windows Autopilot, bulk provisioning packages and device " +
			"enrollment managers are authorized as corporate enrollments and are not blocked, nor are devices " +
			"registered with Autopilot or listed under corporate device identifiers."
		r.Remediation = "If the user's device is corporate-owned, register it with Windows Autopilot or add it under " +
			"Devices > Enrollment > Corporate device identifiers, then enroll it again. " + r.Remediation
	}
	return r
}

func pathList(pvs []pathVerdict) string {
	names := make([]string, len(pvs))
	for i, pv := range pvs {
		names[i] = string(pv.path)
	}
	return "every judged path (" + strings.Join(names, ", ") + ")"
}

// versionRange words a restriction's Windows version range.
func versionRange(w *facts.PlatformRestriction) string {
	switch {
	case w.OSMinimumVersion != "" && w.OSMaximumVersion != "":
		return w.OSMinimumVersion + " to " + w.OSMaximumVersion
	case w.OSMinimumVersion != "":
		return w.OSMinimumVersion + " and later"
	}
	return "up to " + w.OSMaximumVersion
}

// versionLimits words a restriction's Windows version range as a sentence, or "" when it has none.
func versionLimits(w *facts.PlatformRestriction) string {
	if w.OSMinimumVersion == "" && w.OSMaximumVersion == "" {
		return ""
	}
	return " Only Windows " + versionRange(w) + " can enroll."
}

// outsideRange reports whether a device version falls outside the restriction's range. Windows does not
// send its revision number at enrollment, so the device's revision counts as 0.
func outsideRange(v string, w *facts.PlatformRestriction) bool {
	dev := parseVersion(v)
	if len(dev) > 3 {
		dev = dev[:3]
	}
	if w.OSMinimumVersion != "" && compareVersions(dev, parseVersion(w.OSMinimumVersion)) < 0 {
		return true
	}
	return w.OSMaximumVersion != "" && compareVersions(dev, parseVersion(w.OSMaximumVersion)) > 0
}

func parseVersion(s string) []int {
	var out []int
	for _, p := range strings.Split(strings.TrimSpace(s), ".") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			break
		}
		out = append(out, n)
	}
	return out
}

// compareVersions compares dotted versions part by part, a missing part counting as 0.
func compareVersions(a, b []int) int {
	for i := range max(len(a), len(b)) {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

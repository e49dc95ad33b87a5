package checks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

const duplicatesDocs = "https://learn.microsoft.com/en-us/entra/identity/devices/manage-stale-devices"

func devicesDuplicatesCheck() Check {
	return Check{
		ID: "devices.duplicates", Title: "Devices recorded twice", Step: StepDevices, Modes: userOnly,
		Question: "Is any of the user's devices recorded twice in Entra ID or Intune?",
		Docs:     duplicatesDocs,
		Needs:    []facts.Source{facts.SrcUserDevices, facts.SrcManagedDevices},
		Judge:    judgeDuplicates,
	}
}

// deviceFinding is one problem a device check found, worded for the result that reports it.
type deviceFinding struct {
	status      Status
	summary     string
	explanation string
	remediation string
}

// deviceReview is what the check concludes about one physical device.
type deviceReview struct {
	device   physicalDevice
	findings []deviceFinding
	// notes say, per record key, what the check made of the record, for its evidence line.
	notes map[string]string
	fixes []Fix
}

func entraKey(e facts.EntraDevice) string    { return "entra:" + e.ID }
func intuneKey(m facts.ManagedDevice) string { return "intune:" + m.ID }

func judgeDuplicates(f *facts.Facts) []Result {
	entraSrc := requestOf(f, facts.SrcUserDevices, "GET /v1.0/users/{upn}/registeredDevices")
	intuneSrc := requestOf(f, facts.SrcManagedDevices, "GET /v1.0/users/{upn}/managedDevices")
	devices := groupPhysicalDevices(f.UserDevices, f.ManagedDevices)
	var out []Result
	var ev []Evidence
	for _, p := range devices {
		rv := reviewDevice(f, p)
		if len(rv.findings) > 0 {
			out = append(out, rv.result(f, entraSrc, intuneSrc))
			continue
		}
		ev = append(ev, soundDeviceEvidence(p, entraSrc, intuneSrc)...)
	}
	if len(out) > 0 {
		slices.SortStableFunc(out, func(a, b Result) int { return a.Status.Severity() - b.Status.Severity() })
		return out
	}
	summary := "No device of the user is recorded twice"
	if len(devices) == 0 {
		summary = "The user has no devices in Entra ID or Intune, so none is recorded twice"
		ev = append(ev, Evidence{Source: entraSrc, Detail: "no Entra device records"},
			Evidence{Source: intuneSrc, Detail: "no Intune managed devices"})
	}
	return []Result{{
		Status:  Pass,
		Summary: summary,
		Explanation: "None of the user's devices has a second Entra or Intune record beside the one in use (hybrid " +
			"Autopilot's expected pair aside), and every device Intune manages shows as managed in Entra.",
		Evidence: ev,
	}}
}

// soundDeviceEvidence sums up a device without problems, one line per directory that holds it.
func soundDeviceEvidence(p physicalDevice, entraSrc, intuneSrc string) []Evidence {
	var ev []Evidence
	for _, e := range p.entra {
		ev = append(ev, Evidence{Source: entraSrc, Detail: fmt.Sprintf("%q: one %s Entra record, "+
			"isManaged %t", e.DisplayName, trustWords(e.TrustType), e.IsManaged)})
	}
	for _, m := range p.managed {
		ev = append(ev, Evidence{Source: intuneSrc, Detail: fmt.Sprintf("%q: one Intune record, Entra "+
			"device id %s", m.DeviceName, valueOrNone(m.AzureADDeviceID))})
	}
	return ev
}

// reviewDevice looks for the ways one device ends up recorded twice.
func reviewDevice(f *facts.Facts, p physicalDevice) deviceReview {
	rv := deviceReview{device: p, notes: map[string]string{}}
	if p.records() < 2 {
		return rv
	}
	entra := rv.withoutAutopilotCompanions()
	liveIntune := func(m facts.ManagedDevice) bool { return f.Now.Sub(intuneActivity(m)) <= staleAfter }
	rv.reviewUnmanagedTarget(f, liveIntune)
	rv.reviewEntraCopies(f, entra, liveIntune)
	rv.reviewIntuneCopies(f)
	slices.SortStableFunc(rv.findings, func(a, b deviceFinding) int { return a.status.Severity() - b.status.Severity() })
	return rv
}

// withoutAutopilotCompanions sets aside hybrid Autopilot's own Entra object: a hybrid joined device
// provisioned by Autopilot keeps its Autopilot (AzureAd, "[ZTDID]:") object next to its hybrid (ServerAd)
// record, and that pair is by design.
func (rv *deviceReview) withoutAutopilotCompanions() []facts.EntraDevice {
	hybrid := slices.ContainsFunc(rv.device.entra, func(e facts.EntraDevice) bool { return strings.EqualFold(e.TrustType, "ServerAd") })
	var out []facts.EntraDevice
	for _, e := range rv.device.entra {
		if hybrid && strings.EqualFold(e.TrustType, "AzureAd") && isAutopilotObject(e) {
			rv.notes[entraKey(e)] = "the Windows Autopilot object of this hybrid joined device: expected next to the " +
				"hybrid record, not a duplicate"
			continue
		}
		out = append(out, e)
	}
	return out
}

// target is the Entra record an Intune record points at, if it is among the device's records.
func (rv *deviceReview) target(m facts.ManagedDevice) (facts.EntraDevice, bool) {
	id := usableDeviceID(m.AzureADDeviceID)
	i := slices.IndexFunc(rv.device.entra, func(e facts.EntraDevice) bool { return id != "" && strings.EqualFold(e.DeviceID, id) })
	if i < 0 {
		return facts.EntraDevice{}, false
	}
	return rv.device.entra[i], true
}

// reviewUnmanagedTarget fails a device that Intune manages while Entra says it is not managed: Conditional
// Access reads compliance from the Entra record, so the device counts as unmanaged.
func (rv *deviceReview) reviewUnmanagedTarget(f *facts.Facts, live func(facts.ManagedDevice) bool) {
	name := rv.device.name()
	for _, m := range rv.device.managed {
		e, ok := rv.target(m)
		if !ok || !live(m) {
			continue
		}
		if !e.IsManaged {
			rv.notes[entraKey(e)] = "Intune manages this device through it, yet Entra says isManaged false"
			rv.findings = append(rv.findings, deviceFinding{
				status: Fail,
				summary: fmt.Sprintf("%q is enrolled in Intune but its Entra record says it is not managed, so it "+
					"cannot count as compliant", name),
				explanation: fmt.Sprintf("The Intune record (id %s, last check-in %s) points at the device's Entra "+
					"record (%s, device id %s), which has isManaged false. "+
					"Conditional Access reads management and compliance from the Entra record, so policies that "+
					"require a managed or compliant device block the user on it even though Intune manages it.",
					m.ID, dateAndAge(m.LastSyncDateTime, f.Now), trustWords(e.TrustType), e.DeviceID),
				remediation: fmt.Sprintf("In the Intune admin center go to Devices > All devices, open %q and choose "+
					"Sync; ask the user to sign out of Windows and back in. "+
					"After about 15 minutes run the check again. If the Entra admin center (Devices > All devices, "+
					"MDM column) still shows None for it, the enrollment is broken on the device: "+
					"run dsregcmd /status on it, run mdmdoctor again with --dsregcmd, and escalate it for "+
					"re-enrollment.", name),
			})
			continue
		}
		if strings.EqualFold(e.TrustType, "Workplace") {
			rv.reviewJoinedBesideRegistered(f, m, e)
		}
	}
}

// reviewJoinedBesideRegistered fails a device that was joined while automatic enrollment did not cover
// the user and then enrolled through a separate registration: Windows signs in as the joined record,
// but compliance lands on the registered one.
func (rv *deviceReview) reviewJoinedBesideRegistered(f *facts.Facts, m facts.ManagedDevice, registered facts.EntraDevice) {
	for _, j := range rv.device.entra {
		if strings.EqualFold(j.TrustType, "Workplace") || j.IsManaged || rv.notes[entraKey(j)] != "" {
			continue
		}
		rv.notes[entraKey(j)] = "the record Windows signs in with: not managed"
		rv.notes[entraKey(registered)] = "Intune manages the device through this registered record"
		rv.findings = append(rv.findings, deviceFinding{
			status: Fail,
			summary: fmt.Sprintf("%q is joined but not managed; Intune manages its registered "+
				"record instead", rv.device.name()),
			explanation: fmt.Sprintf("Windows signs in with the %s record (device id %s, isManaged false), but "+
				"Intune enrolled the device through its Microsoft Entra registered record (device id %s; Intune "+
				"record %s, last check-in %s). "+
				"Compliance lands on the registered record, so Conditional Access sees the joined device as "+
				"unmanaged. This is the two-record outcome of joining a device while automatic enrollment did "+
				"not cover the user.",
				trustWords(j.TrustType), j.DeviceID, registered.DeviceID, m.ID, dateAndAge(m.LastSyncDateTime, f.Now)),
			remediation: "First make sure automatic enrollment covers the user (see scope.mdm). Then on the device " +
				"open Settings > Accounts > Access work or school and disconnect the extra work or school account, " +
				"keeping the entry that says the device is connected to the organisation's Microsoft Entra ID. In " +
				"the Entra admin center (Devices > All devices) delete the Microsoft Entra registered record, " +
				"and in the Intune admin center delete its Intune record. " +
				"The joined device then has to be enrolled again under its joined identity: escalate it if your " +
				"organisation has no documented way to do that.",
		})
	}
}

// reviewEntraCopies looks at several Entra records of one device: one is kept, the silent ones are stale.
func (rv *deviceReview) reviewEntraCopies(f *facts.Facts, entra []facts.EntraDevice, liveIntune func(facts.ManagedDevice) bool) {
	if len(entra) < 2 {
		return
	}
	activity := make([]time.Time, len(entra))
	for i, e := range entra {
		activity[i] = entraActivity(e)
	}
	st := judgeStaleness(f.Now, activity)
	keep := entra[st.keep]
	setNote(rv.notes, entraKey(keep), "kept: the most recently active Entra record")
	name := rv.device.name()
	var inUse []facts.EntraDevice
	for i, e := range entra {
		if i == st.keep {
			continue
		}
		if !st.stale[i] {
			setNote(rv.notes, entraKey(e), "also in use: active within the last 30 days")
			inUse = append(inUse, e)
			continue
		}
		rv.staleEntra(f, e, keep, liveIntune)
	}
	if len(inUse) == 0 {
		return
	}
	kinds := []string{trustWords(keep.TrustType)}
	registered := strings.EqualFold(keep.TrustType, "Workplace")
	for _, e := range inUse {
		kinds = append(kinds, trustWords(e.TrustType))
		registered = registered || strings.EqualFold(e.TrustType, "Workplace")
	}
	fd := deviceFinding{
		status: Warn,
		summary: fmt.Sprintf("%q has %d Entra records in use "+
			"at once (%s)", name, len(inUse)+1, strings.Join(kinds, ", ")),
		explanation: "Every one of these records signed in within the last 30 days, so none is clearly stale. The " +
			"device keeps two identities in Entra: " +
			"policies, compliance and the helpdesk can each look at a different one, and both count against the " +
			"user's device quota.",
		remediation: fmt.Sprintf("Check with the user which records belong to %q and which machine is in use. "+
			"mdmdoctor offers no automatic fix while both records are in use.", name),
	}
	if registered {
		fd.explanation += " A registered record beside a joined one means a work or school account was added in " +
			"Settings on a joined device; Windows 10 1803 and later drop the registration of hybrid joined devices " +
			"on their own, older builds and Microsoft Entra joined devices may keep it."
		fd.remediation = "On the device open Settings > Accounts > Access work or school and disconnect the extra " +
			"work or school account, keeping the entry that says the device is connected to the organisation's " +
			"Microsoft Entra ID or domain. " +
			"Then in the Entra admin center (Devices > All devices) delete the Microsoft Entra registered record " +
			"once it stops signing in. mdmdoctor offers no automatic fix while both records are in use."
	}
	rv.findings = append(rv.findings, fd)
}

// staleEntra records a stale Entra record and, when deleting it is safe, offers the fix.
func (rv *deviceReview) staleEntra(f *facts.Facts, e, keep facts.EntraDevice, liveIntune func(facts.ManagedDevice) bool) {
	name := rv.device.name()
	fd := deviceFinding{
		status: Warn,
		summary: fmt.Sprintf("%q is recorded twice in Entra: its %s record is stale (last activity %s)",
			name, trustWords(e.TrustType), dateAndAge(entraActivity(e), f.Now)),
		explanation: fmt.Sprintf("The %s record (device id %s) was last active %s, while the %s record was active %s. "+
			"Windows uses one identity; the stale record is left over from an earlier registration or join, still "+
			"counts against the user's device quota, and misleads anyone who looks the device up.",
			trustWords(e.TrustType), e.DeviceID, dateAndAge(entraActivity(e), f.Now), trustWords(keep.TrustType),
			dateAndAge(entraActivity(keep), f.Now)),
	}
	managedThrough := slices.ContainsFunc(rv.device.managed, func(m facts.ManagedDevice) bool {
		t, ok := rv.target(m)
		return ok && t.ID == e.ID && liveIntune(m)
	})
	// Microsoft's stale-device guidance decides which records mdmdoctor may disable or delete:
	// https://learn.microsoft.com/en-us/entra/identity/devices/manage-stale-devices
	switch {
	case strings.EqualFold(e.TrustType, "ServerAd"):
		setNote(rv.notes, entraKey(e), "stale, synchronised from on-premises Active Directory")
		fd.remediation = "This record is synchronised from on-premises Active Directory, so it is disabled or " +
			"deleted there, not in Entra (a cloud-only delete comes back as Pending): disable or delete the computer " +
			"account in Active Directory, or move it out of the Microsoft Entra Connect sync scope, and it " +
			"follows at the next sync."
	case isAutopilotObject(e):
		setNote(rv.notes, entraKey(e), "stale, but registered with Windows Autopilot ([ZTDID] in physicalIds): not "+
			"offered for disabling or deletion")
		fd.remediation = fmt.Sprintf("This record belongs to a Windows Autopilot device: deleting it breaks "+
			"self-deploying and pre-provisioned deployments of the device. "+
			"If the device is gone for good, remove it from Autopilot first (Intune admin center > Devices > Windows "+
			"> Enrollment > Devices), which removes this record; otherwise leave it. The record's "+
			"device id is %s.", e.DeviceID)
	case e.ApproximateLastSignInDateTime.IsZero():
		setNote(rv.notes, entraKey(e), "no activity timestamp: not offered for disabling or deletion")
		fd.remediation = fmt.Sprintf("Its activity timestamp is blank, and some devices in use have none, so "+
			"mdmdoctor cannot tell that %q's %s record is unused. Check with the user before you disable it in the "+
			"Entra admin center (Devices > All devices, device id %s).",
			name, trustWords(e.TrustType), e.DeviceID)
	case managedThrough || e.IsManaged:
		setNote(rv.notes, entraKey(e), "silent in Entra, but managed by Intune: not offered for disabling or deletion")
		fd.remediation = fmt.Sprintf("Do not disable or delete it in Entra yet: Intune manages the device through "+
			"it. If the device is retired, retire or wipe it in Intune first (Intune admin center > Devices > All "+
			"devices > %q > Retire); "+
			"if it is still in use, choose Sync there and run the check again in a day.", name)
	default:
		setNote(rv.notes, entraKey(e), "stale: silent for more than 30 days while another record of the "+
			"device is newer")
		if e.AccountEnabled {
			fd.remediation = fmt.Sprintf("In the Entra admin center go to Devices > All devices, search for %q and "+
				"open the record whose Join type is %q and whose Device ID is %s. "+
				"Check that its Activity date is %s, then Disable it: that can be undone. Delete it only once it has "+
				"stayed disabled for a while without anyone missing it (a deleted device cannot be restored, and "+
				"its BitLocker recovery keys and LAPS password go with it). "+
				"mdmdoctor can do both for you: mdmdoctor fix devices.duplicates.disable-stale now, "+
				"devices.duplicates.delete-stale later.",
				name, trustWords(e.TrustType), e.DeviceID, dateAndAge(entraActivity(e), f.Now))
			rv.fixes = append(rv.fixes, disableEntraFix(f, e))
		} else {
			rv.fixes = append(rv.fixes, deleteEntraFix(f, e))
			fd.remediation = fmt.Sprintf("The record (Join type %q, Device ID %s) is disabled already; Entra does "+
				"not record since when. Once it has stayed disabled for your organisation's grace period without "+
				"anyone missing it, delete it "+
				"(a deleted device cannot be restored, and its BitLocker recovery keys and LAPS password go with "+
				"it): mdmdoctor fix devices.duplicates.delete-stale.",
				trustWords(e.TrustType), e.DeviceID)
		}
	}
	rv.findings = append(rv.findings, fd)
}

// reviewIntuneCopies looks at several Intune records of one device (same serial or Entra device id):
// several that still check in split compliance and fail; a silent one is a leftover enrollment.
func (rv *deviceReview) reviewIntuneCopies(f *facts.Facts) {
	managed := rv.device.managed
	if len(managed) < 2 {
		return
	}
	activity := make([]time.Time, len(managed))
	for i, m := range managed {
		activity[i] = intuneActivity(m)
	}
	st := judgeStaleness(f.Now, activity)
	keep := managed[st.keep]
	name := rv.device.name()
	link := sharedIdentity(managed)
	setNote(rv.notes, intuneKey(keep), "kept: the most recent Intune check-in")
	if st.live > 1 {
		for i, m := range managed {
			if !st.stale[i] && i != st.keep {
				setNote(rv.notes, intuneKey(m), "also checking in within the last 30 days")
			}
		}
		rv.findings = append(rv.findings, deviceFinding{
			status:  Fail,
			summary: fmt.Sprintf("%q has %d Intune records that all still check in (%s)", name, st.live, link),
			explanation: fmt.Sprintf("Intune holds %d enrollments for one device (%s) and %d of them checked in "+
				"within the last 30 days. "+
				"Either the device enrolled twice, and compliance and policies are split between the records while "+
				"Entra follows only one, "+
				"or two machines report the same hardware identity (cloned virtual machines, a board replaced "+
				"under warranty).", len(managed), link, st.live),
			remediation: fmt.Sprintf("In the Intune admin center go to Devices > All devices and search for %q. "+
				"Compare each record's Last check-in, Primary user and Enrolled date with what the user has. "+
				"If it is one machine, delete the older enrollment and Sync the device; if they are different "+
				"machines, have the serial number corrected. "+
				"mdmdoctor offers no automatic fix because no record is clearly stale.", name),
		})
	}
	for i, m := range managed {
		if !st.stale[i] {
			continue
		}
		setNote(rv.notes, intuneKey(m), "stale: no check-in for more than 30 days while another record of the "+
			"device is newer")
		rv.fixes = append(rv.fixes, deleteIntuneFix(f, m))
		rv.findings = append(rv.findings, deviceFinding{
			status: Warn,
			summary: fmt.Sprintf("%q is recorded twice in Intune: the record enrolled %s is stale (last check-in %s)",
				name, dateAndAge(m.EnrolledDateTime, f.Now), dateAndAge(intuneActivity(m), f.Now)),
			explanation: fmt.Sprintf("Both Intune records are the same device (%s). The record %s last checked in %s "+
				"while record %s checked in %s: "+
				"it is the leftover of an earlier enrollment (a reset or re-enrolled device), nothing manages "+
				"through it, and it counts against the user's Intune device limit.",
				link, m.ID, dateAndAge(intuneActivity(m), f.Now), keep.ID, dateAndAge(intuneActivity(keep), f.Now)),
			remediation: fmt.Sprintf("In the Intune admin center go to Devices > All devices, search for %q, open "+
				"the record whose Last check-in is %s and choose Delete. "+
				"mdmdoctor can delete it for you: mdmdoctor fix "+
				"devices.duplicates.delete-stale.", name, dateAndAge(intuneActivity(m), f.Now)),
		})
	}
}

// sharedIdentity says what ties Intune records together, for the operator to search by.
func sharedIdentity(managed []facts.ManagedDevice) string {
	serial := usableSerial(managed[0].SerialNumber)
	id := usableDeviceID(managed[0].AzureADDeviceID)
	for _, m := range managed[1:] {
		if !strings.EqualFold(usableSerial(m.SerialNumber), serial) {
			serial = ""
		}
		if !strings.EqualFold(usableDeviceID(m.AzureADDeviceID), id) {
			id = ""
		}
	}
	switch {
	case serial != "":
		return "serial number " + serial
	case id != "":
		return "Entra device id " + id
	}
	return "linked through their Entra records"
}

// setNote keeps the first note on a record: the earlier reviews name the graver role.
func setNote(notes map[string]string, key, note string) {
	if _, ok := notes[key]; !ok {
		notes[key] = note
	}
}

// result turns a device's findings into one result whose subject is the device.
func (rv deviceReview) result(f *facts.Facts, entraSrc, intuneSrc string) Result {
	first := rv.findings[0]
	r := Result{Subject: rv.device.name(), Status: first.status, Summary: first.summary, Fixes: rv.fixes}
	if n := len(rv.findings) - 1; n > 0 {
		r.Summary += fmt.Sprintf(" (and %d more finding%s)", n, pluralSuffix(n))
	}
	why := []string{"One physical device should have one Entra record and, once enrolled, one Intune record that " +
		"points at it."}
	var do []string
	for _, fd := range rv.findings {
		why = append(why, fd.explanation)
		do = append(do, fd.remediation)
	}
	r.Explanation = strings.Join(why, " ")
	r.Remediation = strings.Join(do, " ")
	for _, e := range rv.device.entra {
		r.Evidence = append(r.Evidence, Evidence{Source: entraSrc, Detail: describeEntra(e, f) + noteSuffix(rv.notes[entraKey(e)])})
	}
	for _, m := range rv.device.managed {
		r.Evidence = append(r.Evidence, Evidence{Source: intuneSrc, Detail: describeIntune(m, f) + noteSuffix(rv.notes[intuneKey(m)])})
	}
	return r
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return ": " + note
}

func pluralSuffix(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func describeEntra(e facts.EntraDevice, f *facts.Facts) string {
	return fmt.Sprintf("Entra record %q, %s, object id %s, device id %s, %s %s, isManaged %t, last sign-in %s, "+
		"registered %s",
		e.DisplayName, trustWords(e.TrustType), e.ID, e.DeviceID, e.OperatingSystem, e.OperatingSystemVersion, e.IsManaged,
		dateAndAge(e.ApproximateLastSignInDateTime, f.Now), dateAndAge(e.RegistrationDateTime, f.Now))
}

func describeIntune(m facts.ManagedDevice, f *facts.Facts) string {
	return fmt.Sprintf("Intune record %q, id %s, serial %s, Entra device id %s, enrollment type %s, owner %s, last "+
		"check-in %s, enrolled %s, compliance %s",
		m.DeviceName, m.ID, valueOrNone(m.SerialNumber), valueOrNone(m.AzureADDeviceID), valueOrNone(m.DeviceEnrollmentType), valueOrNone(m.ManagedDeviceOwnerType),
		dateAndAge(m.LastSyncDateTime, f.Now), dateAndAge(m.EnrolledDateTime, f.Now), valueOrNone(m.ComplianceState))
}

func valueOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

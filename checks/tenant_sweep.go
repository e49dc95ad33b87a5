package checks

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// SweepKind is what the tenant sweep found wrong with one physical device.
type SweepKind string

// Kinds of sweep findings, in the order results and exports list them.
const (
	// SweepDuplicate: the device has more than one Entra or Intune record (devices.duplicates).
	SweepDuplicate SweepKind = "duplicate"
	// SweepOrphan: an Intune record whose Entra device no longer exists (devices.duplicates).
	SweepOrphan SweepKind = "intune-orphan"
	// SweepNeverEnrolled: a Microsoft Entra joined device of a user in the MDM user scope that never
	// enrolled in Intune (scope.mdm).
	SweepNeverEnrolled SweepKind = "never-enrolled"
)

var sweepKindOrder = map[SweepKind]int{SweepDuplicate: 0, SweepOrphan: 1, SweepNeverEnrolled: 2}

// SweepRecord is one Entra or Intune record of a device the sweep flagged, for cleanup work.
type SweepRecord struct {
	// Directory is "entra" or "intune".
	Directory string `json:"directory"`
	// ObjectID is the Entra object id or the Intune managed device id: what a deletion names.
	ObjectID string `json:"objectId"`
	// DeviceID is the Entra device id, or the one the Intune record points at.
	DeviceID        string    `json:"deviceId"`
	Name            string    `json:"name"`
	SerialNumber    string    `json:"serialNumber"`
	JoinType        string    `json:"joinType"`
	OperatingSystem string    `json:"operatingSystem"`
	User            string    `json:"user"`
	LastActivity    time.Time `json:"lastActivity"`
	// Note says what the sweep made of the record; Action is keep, disable or delete (a fix is
	// planned) or review.
	Note   string `json:"note"`
	Action string `json:"action"`
}

// SweepFinding is one physical device the sweep flagged.
type SweepFinding struct {
	Kind    SweepKind     `json:"kind"`
	Status  Status        `json:"status"`
	Device  string        `json:"device"`
	Summary string        `json:"summary"`
	Records []SweepRecord `json:"records"`
	result  Result
}

// Sweep is the outcome of matching every Windows Entra device with every Intune managed device.
type Sweep struct {
	// EntraRecords and IntuneRecords count the Windows records swept; Devices the physical devices
	// they make up.
	EntraRecords  int `json:"entraRecords"`
	IntuneRecords int `json:"intuneRecords"`
	Devices       int `json:"devices"`
	// ScopeJudged is false when the MDM user scope could not be read, so never-enrolled devices
	// were not looked for.
	ScopeJudged bool           `json:"scopeJudged"`
	Findings    []SweepFinding `json:"findings"`
	// notEnrolled counts the joined Windows devices with no Intune record, by whose they are.
	notEnrolledInScope, notEnrolledOutside, notEnrolledNoOwner int
}

// Count returns how many findings are of a kind.
func (s Sweep) Count(k SweepKind) int {
	n := 0
	for _, d := range s.Findings {
		if d.Kind == k {
			n++
		}
	}
	return n
}

// TenantSweep matches the tenant's Windows devices across Entra ID and Intune, with the grouping and
// the judgments devices.duplicates makes for one user: the same physical device twice, Intune records
// whose Entra device is gone, and (once the MDM user scope is read) Microsoft Entra joined devices of
// users in the scope that never enrolled. It is a pure function of the facts.
func TenantSweep(f *facts.Facts) Sweep {
	return tenantSweep(f, linkRecords(f.AllDevices, f.AllManagedDevices), sweepAll)
}

// sweepParts says which findings a sweep looks for: each device judgment needs only its own.
type sweepParts int

const (
	sweepDuplicates sweepParts = 1 << iota // duplicates and orphaned Intune records
	sweepNeverEnrolled
	sweepAll = sweepDuplicates | sweepNeverEnrolled
)

// sweepShare is the fewest devices worth a goroutine of their own when the sweep splits its work.
const sweepShare = 25_000

func tenantSweep(f *facts.Facts, links deviceLinks, parts sweepParts) Sweep {
	base := sweeper{f: f, parts: parts,
		entraSrc:  requestOf(f, facts.SrcAllDevices, "GET /v1.0/devices"),
		intuneSrc: requestOf(f, facts.SrcAllManagedDevices, "GET /v1.0/deviceManagement/managedDevices"),
	}
	base.out.ScopeJudged = parts&sweepNeverEnrolled != 0 &&
		f.Status(facts.SrcMDMPolicy).State == facts.Loaded && f.Status(facts.SrcScopeMembers).State == facts.Loaded
	if base.out.ScopeJudged {
		mdm, _ := scopeMembers(f)
		base.reach = reachOf(f.MDMPolicy, mdm)
	}
	// Devices are judged independently of each other: a large tenant's are shared among the cores.
	n := links.count()
	workers := max(1, min(runtime.GOMAXPROCS(0), n/sweepShare))
	shares := make([]sweeper, workers)
	var wg sync.WaitGroup
	for w := range shares {
		shares[w] = base
		wg.Go(func() { shares[w].devices(links, w*n/workers, (w+1)*n/workers) })
	}
	wg.Wait()
	out := base.out
	for _, sh := range shares {
		out.EntraRecords += sh.out.EntraRecords
		out.IntuneRecords += sh.out.IntuneRecords
		out.Devices += sh.out.Devices
		out.notEnrolledInScope += sh.out.notEnrolledInScope
		out.notEnrolledOutside += sh.out.notEnrolledOutside
		out.notEnrolledNoOwner += sh.out.notEnrolledNoOwner
		out.Findings = append(out.Findings, sh.out.Findings...)
	}
	slices.SortStableFunc(out.Findings, func(a, b SweepFinding) int {
		return cmp.Or(cmp.Compare(sweepKindOrder[a.Kind], sweepKindOrder[b.Kind]),
			cmp.Compare(a.Status.Severity(), b.Status.Severity()),
			cmp.Compare(strings.ToLower(a.Device), strings.ToLower(b.Device)))
	})
	return out
}

// devices judges the physical devices numbered lo to hi (exclusive).
func (sw *sweeper) devices(links deviceLinks, lo, hi int) {
	f, parts := sw.f, sw.parts
	entra, managed := f.AllDevices, f.AllManagedDevices
	for k := lo; k < hi; k++ {
		nodes := links.records(k)
		windows, entraN := false, 0
		for _, n := range nodes {
			if int(n) < links.entraN {
				entraN++
				windows = windows || isWindows(entra[n].OperatingSystem)
			} else {
				windows = windows || isWindows(managed[int(n)-links.entraN].OperatingSystem)
			}
		}
		if !windows {
			continue
		}
		sw.out.Devices++
		sw.out.EntraRecords += entraN
		sw.out.IntuneRecords += len(nodes) - entraN
		// Most devices are one Entra record, alone or with one Intune record pointing at it: those are
		// judged in place, and only groups that can hold a finding are copied out for reviewDevice.
		switch {
		case entraN == len(nodes) && (len(nodes) == 1 || parts&sweepDuplicates == 0):
			for _, n := range nodes {
				if rv, ok := sw.neverEnrolled(entra[n]); ok {
					sw.add(SweepNeverEnrolled, rv)
				}
			}
			continue
		case parts&sweepDuplicates == 0:
			continue
		case len(nodes) == 2 && entraN == 1 && soundPair(f, entra[nodes[0]], managed[int(nodes[1])-links.entraN]):
			continue
		}
		sw.review(links.device(k, entra, managed))
	}
}

// linkCache lets the walkthrough's two device judgments share one grouping of the tenant's records,
// the larger part of the sweep's matching, built from the records fed while they streamed in when
// those are the facts judged. It is keyed by the record lists themselves: facts are never changed in
// place, so new lists (a re-read) are grouped afresh.
type linkCache struct {
	mu sync.Mutex
	// fed groups the records a reader fed; their ids are summed up in order, to check them against
	// the facts judged.
	fed                  *deviceLinker
	fedEntra, fedManaged idSum
	entra                []facts.EntraDevice
	managed              []facts.ManagedDevice
	links                deviceLinks
	ok                   bool
}

// idSum sums up a list of ids in order: their count and a hash.
type idSum struct {
	n int
	h maphash.Hash
}

func (s *idSum) add(id string) {
	s.n++
	s.h.WriteString(id)
	s.h.WriteByte(0)
}

func (c *linkCache) feedEntra(e facts.EntraDevice) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fedLinker().addEntra(e)
	c.fedEntra.add(e.ID)
}

func (c *linkCache) feedManaged(m facts.ManagedDevice) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fedLinker().addManaged(m)
	c.fedManaged.add(m.ID)
}

func (c *linkCache) fedLinker() *deviceLinker {
	if c.fed == nil {
		c.fed = newDeviceLinker(fedHint, fedHint)
		seed := maphash.MakeSeed()
		c.fedEntra.h.SetSeed(seed)
		c.fedManaged.h.SetSeed(seed)
	}
	return c.fed
}

// fedHint sizes a fed grouping's first allocations (a few MB): a tenant that streams its devices in is
// usually large, and growing the maps from small would rehash them again and again.
const fedHint = 64 << 10

func (c *linkCache) of(f *facts.Facts) deviceLinks {
	c.mu.Lock()
	defer c.mu.Unlock()
	same := func(n, m int, a, b any) bool { return n == m && (n == 0 || a == b) }
	if c.ok && same(len(c.entra), len(f.AllDevices), firstOf(c.entra), firstOf(f.AllDevices)) &&
		same(len(c.managed), len(f.AllManagedDevices), firstOf(c.managed), firstOf(f.AllManagedDevices)) {
		return c.links
	}
	if c.fed != nil && fedAre(&c.fedEntra, f.AllDevices, func(e facts.EntraDevice) string { return e.ID }) &&
		fedAre(&c.fedManaged, f.AllManagedDevices, func(m facts.ManagedDevice) string { return m.ID }) {
		c.links = c.fed.links()
	} else {
		c.links = linkRecords(f.AllDevices, f.AllManagedDevices)
	}
	c.fed = nil
	c.entra, c.managed, c.ok = f.AllDevices, f.AllManagedDevices, true
	return c.links
}

// fedAre reports whether the fed ids are those of the list, in order.
func fedAre[T any](fed *idSum, list []T, id func(T) string) bool {
	if fed.n != len(list) {
		return false
	}
	var sum idSum
	sum.h.SetSeed(fed.h.Seed())
	for _, v := range list {
		sum.add(id(v))
	}
	return sum.h.Sum64() == fed.h.Sum64()
}

// firstOf is the address of a list's first element, which tells two lists apart.
func firstOf[T any](list []T) any {
	if len(list) == 0 {
		return nil
	}
	return &list[0]
}

type sweeper struct {
	f                   *facts.Facts
	parts               sweepParts
	entraSrc, intuneSrc string
	reach               scopeReach
	out                 Sweep
}

// review judges one physical device: its duplicates as for one user, then whether its Intune records
// lost their Entra device, then whether it joined under the scope and never enrolled.
func (sw *sweeper) review(p physicalDevice) {
	rv := reviewDevice(sw.f, p)
	kind := SweepDuplicate
	if len(rv.findings) == 0 {
		kind = SweepOrphan
	}
	if len(p.entra) == 0 {
		rv.orphaned(sw.f)
	}
	if len(rv.findings) > 0 {
		slices.SortStableFunc(rv.findings, func(a, b deviceFinding) int { return a.status.Severity() - b.status.Severity() })
		sw.add(kind, rv)
	}
	if len(p.managed) > 0 {
		return
	}
	for _, e := range p.entra {
		if nr, ok := sw.neverEnrolled(e); ok {
			sw.add(SweepNeverEnrolled, nr)
		}
	}
}

// soundPair reports whether one Entra record and the one Intune record linked to it need no review:
// reviewDevice finds fault with such a pair only when Intune still manages the device through a
// record Entra calls unmanaged.
func soundPair(f *facts.Facts, e facts.EntraDevice, m facts.ManagedDevice) bool {
	return e.IsManaged || f.Now.Sub(intuneActivity(m)) > staleAfter
}

func (sw *sweeper) add(kind SweepKind, rv deviceReview) {
	r := rv.result(sw.f, sw.entraSrc, sw.intuneSrc)
	sw.out.Findings = append(sw.out.Findings, SweepFinding{Kind: kind, Status: r.Status, Device: r.Subject, Summary: rv.findings[0].summary,
		Records: rv.records(), result: r})
}

// orphaned adds a finding for each Intune record that names an Entra device the tenant no longer
// has: the device has no Entra record at all.
func (rv *deviceReview) orphaned(f *facts.Facts) {
	for _, m := range rv.device.managed {
		id := usableDeviceID(m.AzureADDeviceID)
		if id == "" || !isWindows(m.OperatingSystem) {
			continue
		}
		name := valueOrNone(m.DeviceName)
		if f.Now.Sub(intuneActivity(m)) <= staleAfter {
			setNote(rv.notes, intuneKey(m), "still checks in, but its Entra device is gone")
			rv.findings = append(rv.findings, deviceFinding{
				status: Fail,
				summary: fmt.Sprintf("%q checks in to Intune, but its Entra device (device id %s) no "+
					"longer exists", name, id),
				explanation: fmt.Sprintf("The Intune record %s (last check-in %s) points at Entra device id %s, "+
					"which the tenant does not have: the device object was deleted in Entra, by a cleanup rule or by "+
					"hand, while the device stayed enrolled. "+
					"Without its Entra object the device gets no device token: Conditional Access sees it as "+
					"unregistered and the user is blocked where a compliant device "+
					"is required.", m.ID, dateAndAge(m.LastSyncDateTime, f.Now), id),
				remediation: fmt.Sprintf("On %q run dsregcmd /status (then mdmdoctor check --user %s --dsregcmd "+
					"FILE). The device has to join Microsoft Entra again: reset it with Windows Autopilot, or "+
					"disconnect it in Settings > Accounts > Access work or school and join again. "+
					"Once it has re-enrolled, delete this Intune record in the Intune admin center > Devices > "+
					"All devices.", name, valueOrNone(m.UserPrincipalName)),
			})
			continue
		}
		setNote(rv.notes, intuneKey(m), "stale, and its Entra device is gone")
		rv.fixes = append(rv.fixes, deleteIntuneFix(f, m))
		rv.findings = append(rv.findings, deviceFinding{
			status: Warn,
			summary: fmt.Sprintf("Intune record %q is stale and its Entra device is gone (last "+
				"check-in %s)", name, dateAndAge(intuneActivity(m), f.Now)),
			explanation: fmt.Sprintf("The Intune record %s points at Entra device id %s, which the tenant no longer "+
				"has, and it has not checked in for more than 30 days: a leftover of a device that was "+
				"retired or reset. "+
				"It counts against its user's Intune device limit and clutters every report.", m.ID, id),
			remediation: fmt.Sprintf("In the Intune admin center go to Devices > All devices, search for %q, check "+
				"its Last check-in is %s, and Delete it (or let a device cleanup rule retire such records). "+
				"mdmdoctor can delete it for you: mdmdoctor fix "+
				"devices.duplicates.delete-stale.", name, dateAndAge(intuneActivity(m), f.Now)),
		})
	}
}

// neverEnrolled judges a Microsoft Entra joined Windows record that no Intune record matches: a
// finding when its owner is in the MDM user scope (once the scope is read). Windows Autopilot objects
// that never signed in are devices not yet deployed.
func (sw *sweeper) neverEnrolled(e facts.EntraDevice) (deviceReview, bool) {
	f := sw.f
	if !sw.out.ScopeJudged || !isWindows(e.OperatingSystem) || !strings.EqualFold(e.TrustType, "AzureAd") || e.IsManaged ||
		(isAutopilotObject(e) && e.ApproximateLastSignInDateTime.IsZero()) {
		return deviceReview{}, false
	}
	owner := ""
	for _, u := range e.OwnerUPNs {
		if sw.reach.includes(u) {
			owner = u
			break
		}
	}
	switch {
	case len(e.OwnerUPNs) == 0:
		sw.out.notEnrolledNoOwner++
		return deviceReview{}, false
	case owner == "":
		sw.out.notEnrolledOutside++
		return deviceReview{}, false
	}
	sw.out.notEnrolledInScope++
	rv := deviceReview{device: physicalDevice{entra: []facts.EntraDevice{e}}, notes: map[string]string{
		entraKey(e): "joined by " + strings.Join(e.OwnerUPNs, ", ") + ", in the MDM user scope; no Intune record"}}
	fd := deviceFinding{
		status: Fail,
		summary: fmt.Sprintf("%q is Microsoft Entra joined by %s, who is in the MDM user scope, but it never "+
			"enrolled in Intune", e.DisplayName, owner),
		explanation: fmt.Sprintf("The device joined Microsoft Entra on %s and Entra says it is not managed; no "+
			"Intune record points at it or shares its name. "+
			"Automatic enrollment runs once, when the device joins: it fails when the user was outside the MDM scope "+
			"or unlicensed then, when an enrollment restriction refused the device, or when enrollment during "+
			"join was turned off. The device does not try again by itself.",
			dateAndAge(e.RegistrationDateTime, f.Now)),
		remediation: fmt.Sprintf("Run mdmdoctor check --user %s to see what stops this user today (licence, "+
			"restrictions, recent enrollment failures). Once it passes, enroll the device by joining it again: reset "+
			"it with Windows Autopilot, or disconnect it from Microsoft Entra in Settings > Accounts > Access "+
			"work or school and join again. "+
			"Avoid \"Enroll only in device management\" on a joined device: it adds a second record and compliance "+
			"lands on it.", owner),
	}
	if f.Now.Sub(entraActivity(e)) > staleAfter {
		fd.status = Warn
		fd.summary += fmt.Sprintf("; it has not signed in since %s", dateAndAge(entraActivity(e), f.Now))
		fd.remediation = fmt.Sprintf("The device has been silent for more than 30 days: if it is out of use, disable "+
			"and then delete it in the Entra admin center > Devices > All devices. Otherwise, run mdmdoctor check "+
			"--user %s and join it again once the user passes.", owner)
	}
	rv.findings = []deviceFinding{fd}
	return rv, true
}

// records lists a reviewed device's records for the export.
func (rv deviceReview) records() []SweepRecord {
	var out []SweepRecord
	planned := map[string]string{}
	for _, fx := range rv.fixes {
		for _, rq := range fx.Requests {
			switch rq.Op {
			case OpDeleteDevice, OpDeleteManagedDevice:
				planned[rq.ID] = "delete"
			case OpPatchDevice: // disable-stale: the reversible step before a delete
				planned[rq.ID] = "disable"
			}
		}
	}
	action := func(id, note string) string {
		switch {
		case planned[id] != "":
			return planned[id]
		case strings.HasPrefix(note, "kept"):
			return "keep"
		}
		return "review"
	}
	for _, e := range rv.device.entra {
		note := rv.notes[entraKey(e)]
		out = append(out, SweepRecord{Directory: "entra", ObjectID: e.ID, DeviceID: e.DeviceID, Name: e.DisplayName, JoinType: trustWords(e.TrustType),
			OperatingSystem: strings.TrimSpace(e.OperatingSystem + " " + e.OperatingSystemVersion), User: strings.Join(e.OwnerUPNs, " "),
			LastActivity: entraActivity(e), Note: note, Action: action(e.ID, note)})
	}
	for _, m := range rv.device.managed {
		note := rv.notes[intuneKey(m)]
		out = append(out, SweepRecord{Directory: "intune", ObjectID: m.ID, DeviceID: m.AzureADDeviceID, Name: m.DeviceName, SerialNumber: m.SerialNumber,
			JoinType: m.DeviceEnrollmentType, OperatingSystem: m.OperatingSystem, User: m.UserPrincipalName,
			LastActivity: intuneActivity(m), Note: note, Action: action(m.ID, note)})
	}
	return out
}

// joinedEvidence sums up, for the scope verdict, the joined Windows devices that never enrolled.
func (s Sweep) joinedEvidence(f *facts.Facts) []Evidence {
	n := s.notEnrolledInScope + s.notEnrolledOutside + s.notEnrolledNoOwner
	src := requestOf(f, facts.SrcAllDevices, "GET /v1.0/devices")
	if n == 0 {
		return []Evidence{{Source: src, Detail: fmt.Sprintf("every Microsoft Entra joined Windows device among %d "+
			"Windows devices has an Intune record or says it is managed", s.Devices)}}
	}
	return []Evidence{{Source: src, Detail: fmt.Sprintf("%d Microsoft Entra joined Windows devices have no Intune "+
		"record and are not managed: %d of users in the MDM user scope (one result each), %d of users outside it "+
		"(not expected to enroll), %d with no known owner",
		n, s.notEnrolledInScope, s.notEnrolledOutside, s.notEnrolledNoOwner)}}
}

func tenantDevicesCheck(links *linkCache) Check {
	return asTenantCheck(devicesDuplicatesCheck(), "Is any Windows device of the tenant recorded twice, or left in "+
		"Intune after its Entra device was deleted?",
		[]facts.Source{facts.SrcAllDevices, facts.SrcAllManagedDevices},
		func(f *facts.Facts) []Result { return judgeTenantDevices(f, links) })
}

// judgeTenantDevices gives one result per physical Windows device recorded twice or orphaned in
// Intune, grouped by kind and failures first, or one pass for the tenant.
func judgeTenantDevices(f *facts.Facts, links *linkCache) []Result {
	s := tenantSweep(f, links.of(f), sweepDuplicates)
	var out []Result
	for _, d := range s.Findings {
		if d.Kind == SweepDuplicate || d.Kind == SweepOrphan {
			out = append(out, d.result)
		}
	}
	if len(out) > 0 {
		return out
	}
	entraSrc := requestOf(f, facts.SrcAllDevices, "GET /v1.0/devices")
	intuneSrc := requestOf(f, facts.SrcAllManagedDevices, "GET /v1.0/deviceManagement/managedDevices")
	return []Result{{Status: Pass,
		Summary: fmt.Sprintf("None of the tenant's %d Windows devices is recorded twice, and every Intune record "+
			"has its Entra device.", s.Devices),
		Explanation: "Every physical Windows device has one Entra record (hybrid Autopilot's expected pair aside) " +
			"and at most one Intune record, which points at it.",
		Evidence: []Evidence{{Source: entraSrc, Detail: fmt.Sprintf("%d Windows records among %d "+
			"Entra devices", s.EntraRecords, len(f.AllDevices))},
			{Source: intuneSrc, Detail: fmt.Sprintf("%d Windows records among %d Intune "+
				"managed devices", s.IntuneRecords, len(f.AllManagedDevices))}}}}
}

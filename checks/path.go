package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// PathReport names the enrollment path (or paths) a run judged, for the report: the one the operator
// gave, the ones the evidence allows, or every path when nothing says how the device enrolls.
type PathReport struct {
	// Paths are the paths judged.
	Paths []facts.EnrollmentPath `json:"paths"`
	// Basis is given (--path or the TUI's question), inferred (from the evidence) or unknown.
	Basis string `json:"basis"`
	// Evidence says what the inference stood on; empty when given or unknown.
	Evidence string `json:"evidence,omitempty"`
}

// Bases of a PathReport.
const (
	PathGiven    = "given"
	PathInferred = "inferred"
	PathUnknown  = "unknown"
)

// PathOf works out the enrollment paths to judge. A path the operator gave wins. Otherwise a pasted
// dsregcmd says what it can: hybrid joined (or domain joined on the way to it) means Group Policy or
// co-management; an Autopilot [ZTDID] among the physicalIds of the device's Entra record means
// Autopilot; Entra joined rules out registration and the hybrid paths; registered only means the
// work account path. Without evidence every path is judged.
func PathOf(f *facts.Facts) PathReport {
	if f.Target.Path != facts.PathUnknown {
		return PathReport{Paths: []facts.EnrollmentPath{f.Target.Path}, Basis: PathGiven}
	}
	if f.Dsregcmd == nil {
		return PathReport{Paths: facts.EnrollmentPaths(), Basis: PathUnknown}
	}
	v := dsregView{f.Dsregcmd}
	s := v.state()
	if dev, ok := dsregDeviceRecord(f, v); ok {
		for _, id := range dev.PhysicalIDs {
			if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(id)), "[ZTDID]") {
				return PathReport{Paths: []facts.EnrollmentPath{facts.PathAutopilot}, Basis: PathInferred,
					Evidence: fmt.Sprintf("the device's Entra record (deviceId %s) carries the Autopilot "+
						"identifier %s", dev.DeviceID, id)}
			}
		}
	}
	switch {
	case s.domain:
		return PathReport{Paths: []facts.EnrollmentPath{facts.PathGPO, facts.PathCoManage}, Basis: PathInferred,
			Evidence: "dsregcmd says DomainJoined YES: a domain-joined device enrolls automatically through Group " +
				"Policy or co-management once hybrid joined"}
	case s.joined:
		return PathReport{Paths: []facts.EnrollmentPath{facts.PathJoin, facts.PathAutopilot, facts.PathBulk, facts.PathDEM}, Basis: PathInferred,
			Evidence: "dsregcmd says AzureAdJoined YES and DomainJoined NO: one of the Entra join paths (setup or " +
				"Settings, Autopilot, a bulk package, a device enrollment manager)"}
	case s.registered:
		return PathReport{Paths: []facts.EnrollmentPath{facts.PathRegister}, Basis: PathInferred,
			Evidence: "dsregcmd says WorkplaceJoined YES and the device is not joined: a work or school account " +
				"added on the device"}
	}
	return PathReport{Paths: facts.EnrollmentPaths(), Basis: PathUnknown}
}

// dsregDeviceRecord finds the Entra record of the pasted device by its DeviceId, among the user's
// devices and, in a run that read them, all devices.
func dsregDeviceRecord(f *facts.Facts, v dsregView) (facts.EntraDevice, bool) {
	id := strings.TrimSpace(v.field("Device Details", "DeviceId").Value)
	if id == "" {
		return facts.EntraDevice{}, false
	}
	for _, d := range slices.Concat(f.UserDevices, f.AllDevices) {
		if strings.EqualFold(d.DeviceID, id) {
			return d, true
		}
	}
	return facts.EntraDevice{}, false
}

// has reports whether the path is among those judged.
func (p PathReport) has(path facts.EnrollmentPath) bool { return slices.Contains(p.Paths, path) }

// only reports whether every judged path is one of these.
func (p PathReport) only(paths ...facts.EnrollmentPath) bool {
	for _, x := range p.Paths {
		if !slices.Contains(paths, x) {
			return false
		}
	}
	return len(p.Paths) > 0
}

// single reports whether the path was given, or inferred to one path.
func (p PathReport) single() bool { return len(p.Paths) == 1 }

// Words names the judged paths and how they were settled, for explanations and evidence.
func (p PathReport) Words() string {
	names := make([]string, len(p.Paths))
	for i, x := range p.Paths {
		names[i] = string(x)
	}
	switch p.Basis {
	case PathGiven:
		return fmt.Sprintf("enrollment path %s (%s), as given", names[0], p.Paths[0].Describe())
	case PathInferred:
		return fmt.Sprintf("enrollment path %s, inferred: %s", strings.Join(names, " or "), p.Evidence)
	}
	return "enrollment path unknown (give --path to judge one): every path judged"
}

// pathEvidence is the evidence line naming the path a result judged.
func pathEvidence(p PathReport) Evidence {
	return Evidence{Source: "enrollment path", Detail: p.Words()}
}

package facts

import (
	"slices"
	"strings"
)

// Dsregcmd is a parsed `dsregcmd /status` output, pasted by the operator. It can hold device and user
// identifiers, so it is never logged or journaled.
type Dsregcmd struct {
	Sections []DsregSection
}

// DsregSection is one `| Device State |` block.
type DsregSection struct {
	Name   string
	Fields []DsregField
}

// DsregField is one `Key : Value` line. Line is its 1-based line number in the paste, for evidence;
// Last is the last line of a value the console wrapped onto the following lines (0 when it did not).
// Raw is the line as pasted (control characters dropped, runs of spaces made one), which evidence
// quotes so that the operator finds it as it stands.
type DsregField struct {
	Key   string
	Value string
	Line  int
	Last  int
	Raw   string
}

// Field finds a key in any section, case-insensitively on the key.
func (d *Dsregcmd) Field(key string) (DsregField, bool) {
	if d == nil {
		return DsregField{}, false
	}
	for _, s := range d.Sections {
		for _, f := range s.Fields {
			if strings.EqualFold(f.Key, key) {
				return f, true
			}
		}
	}
	return DsregField{}, false
}

// Value returns a key's value, or "" when it is absent.
func (d *Dsregcmd) Value(key string) string {
	f, _ := d.Field(key)
	return f.Value
}

// DsregJoin is the device's join state as a paste states it.
type DsregJoin string

// Join states. DsregJoinUnknown is a paste without the lines that say (a fragment): it is never
// read as "not joined".
const (
	DsregJoinUnknown DsregJoin = ""
	// DsregJoinNone: neither joined nor registered (in the session the output was taken in).
	DsregJoinNone DsregJoin = "none"
	// DsregJoinRegistered: Microsoft Entra registered (a work account, WorkplaceJoined YES) only.
	DsregJoinRegistered DsregJoin = "registered"
	// DsregJoinDomain: joined to an on-premises domain, hybrid join not completed.
	DsregJoinDomain DsregJoin = "domain"
	// DsregJoinEntra: Microsoft Entra joined (and not domain joined, or a paste cut before its
	// DomainJoined line).
	DsregJoinEntra DsregJoin = "entra"
	// DsregJoinHybrid: Microsoft Entra hybrid joined (domain joined and Entra joined).
	DsregJoinHybrid DsregJoin = "hybrid"
)

// preJoinKeys are the keys of the pre-join diagnostics, which Windows prints only for a device that is
// domain joined and not (yet) hybrid joined:
// https://learn.microsoft.com/en-us/entra/identity/devices/troubleshoot-device-dsregcmd#pre-join-diagnostics
var preJoinKeys = []string{"AD Connectivity Test", "AD Configuration Test", "DRS Discovery Test", "DRS Connectivity Test",
	"Token acquisition Test", "Previous Registration", "Error Phase"}

// PreJoinDiagnostics returns the first pre-join diagnostics line of the paste, if it has one.
func (d *Dsregcmd) PreJoinDiagnostics() (DsregField, bool) {
	for _, k := range preJoinKeys {
		if f, ok := d.Field(k); ok {
			return f, true
		}
	}
	return DsregField{}, false
}

// Join reads the join state from the Device State lines (AzureAdJoined, DomainJoined, WorkplaceJoined).
// Without an AzureAdJoined line it is DsregJoinUnknown, except that the pre-join diagnostics show a
// domain-joined device whose hybrid join has not completed (DsregJoinDomain).
func (d *Dsregcmd) Join() DsregJoin {
	yes := func(key string) (yes, present bool) {
		f, ok := d.Field(key)
		return ok && strings.EqualFold(strings.TrimSpace(f.Value), "YES"), ok
	}
	aadj, known := yes("AzureAdJoined")
	domain, _ := yes("DomainJoined")
	enterprise, _ := yes("EnterpriseJoined")
	wpj, _ := yes("WorkplaceJoined")
	if !known {
		if _, ok := d.PreJoinDiagnostics(); ok {
			return DsregJoinDomain
		}
		return DsregJoinUnknown
	}
	switch {
	case aadj && domain:
		return DsregJoinHybrid
	case aadj:
		return DsregJoinEntra
	case domain || enterprise:
		return DsregJoinDomain
	case wpj:
		return DsregJoinRegistered
	}
	return DsregJoinNone
}

// DeviceIDs returns the device ids the output states (DeviceId, WorkplaceDeviceId), each once.
func (d *Dsregcmd) DeviceIDs() []string {
	if d == nil {
		return nil
	}
	var out []string
	for _, s := range d.Sections {
		for _, f := range s.Fields {
			if (strings.EqualFold(f.Key, "DeviceId") || strings.EqualFold(f.Key, "WorkplaceDeviceId")) && f.Value != "" &&
				!slices.ContainsFunc(out, func(id string) bool { return strings.EqualFold(id, f.Value) }) {
				out = append(out, f.Value)
			}
		}
	}
	return out
}

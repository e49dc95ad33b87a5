package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The device.* checks judge a pasted `dsregcmd /status` (the device's own view) against the tenant.
// The paste can hold device and user identifiers: these checks quote it in results for the operator
// and nothing else; nothing here logs.

const (
	dsregDocs = "https://learn.microsoft.com/en-us/entra/identity/devices/troubleshoot-device-dsregcmd"
	prtDocs   = "https://learn.microsoft.com/en-us/entra/identity/devices/concept-primary-refresh-token"
	// dsregSource is the Source of evidence quoted from the paste.
	dsregSource = "dsregcmd /status"
	// dsregRerun asks for a complete paste, for results that found a needed line missing.
	dsregRerun = "Ask the user to run `dsregcmd /status` in their own session (a normal, not elevated, command " +
		"prompt) and paste the whole output."
)

// Trust types of Entra device records, as Graph spells them.
const (
	dsregTrustJoined     = "AzureAd"
	dsregTrustHybrid     = "ServerAd"
	dsregTrustRegistered = "Workplace"
)

// dsregView reads the fields the device checks rely on, section by section: some keys (NgcSet,
// DeviceCertificateValidity) repeat in several sections, and registrations have their own sections.
type dsregView struct{ d *facts.Dsregcmd }

// dsregState is the device's join state as the paste states it. A zero DsregField (Line 0) is a line
// the paste does not have. known is false for a fragment that does not say whether the device is
// joined (facts.DsregJoinUnknown): its joined false then means "not known", never "not joined".
type dsregState struct {
	aadj, domainJoined, enterpriseJoined, wpj facts.DsregField
	join                                      facts.DsregJoin
	known                                     bool
	joined, domain, enterprise, registered    bool
	accounts                                  []dsregAccount
}

// dsregAccount is one work account registration (a `| Work Account N |` section, or the Workplace*
// lines that older Windows builds print under User State).
type dsregAccount struct {
	deviceID, tenantID, tenantName, mdmURL facts.DsregField
}

func dsregPresent(f facts.DsregField) bool { return f.Line > 0 }

func dsregYes(f facts.DsregField) bool { return strings.EqualFold(strings.TrimSpace(f.Value), "YES") }

func dsregIsWorkAccount(s facts.DsregSection) bool {
	return strings.HasPrefix(strings.ToLower(s.Name), "work account")
}

// field finds key in the named section; failing that, in any section but a work account, because
// older Windows builds printed the same keys under Device State and User State.
func (v dsregView) field(section, key string) facts.DsregField {
	if v.d == nil {
		return facts.DsregField{}
	}
	var fallback facts.DsregField
	for _, s := range v.d.Sections {
		if dsregIsWorkAccount(s) {
			continue
		}
		for _, f := range s.Fields {
			if !strings.EqualFold(f.Key, key) {
				continue
			}
			if strings.EqualFold(s.Name, section) {
				return f
			}
			if !dsregPresent(fallback) {
				fallback = f
			}
		}
	}
	return fallback
}

func (v dsregView) state() dsregState {
	s := dsregState{
		aadj:             v.field("Device State", "AzureAdJoined"),
		domainJoined:     v.field("Device State", "DomainJoined"),
		enterpriseJoined: v.field("Device State", "EnterpriseJoined"),
		wpj:              v.field("User State", "WorkplaceJoined"),
		accounts:         v.accounts(),
	}
	s.joined, s.domain, s.enterprise, s.registered = dsregYes(s.aadj), dsregYes(s.domainJoined), dsregYes(s.enterpriseJoined), dsregYes(s.wpj)
	s.join = v.d.Join()
	s.known = s.join != facts.DsregJoinUnknown
	if s.join == facts.DsregJoinDomain && !dsregPresent(s.domainJoined) {
		// Pre-join diagnostics without the Device State lines: Windows prints them only for a
		// domain-joined device whose hybrid join has not completed.
		s.domain = true
	}
	return s
}

// Sessions a paste can be taken in, as its Executing Account Name and User Context lines show.
const (
	dsregSessionUser     = ""         // the user's own, or not known to be another's
	dsregSessionSystem   = "system"   // SYSTEM or the computer account: an elevated prompt
	dsregSessionElevated = "elevated" // an elevated prompt
	dsregSessionLocal    = "local"    // a local account of the computer
	dsregSessionOther    = "other"    // another user's session
)

// dsregSession is the session the output was taken in. The User State, SSO State and work accounts are
// per user: in another session they are that session's, not the user's.
// https://learn.microsoft.com/en-us/entra/identity/devices/troubleshoot-device-dsregcmd#user-state
type dsregSession struct {
	kind             string
	account, context facts.DsregField
	who              string // the account, in words
}

// session reads the Executing Account Name ("DOMAIN\name, upn") and User Context lines, wherever the
// output put them (Windows prints the account under Diagnostic Data or a proxy section). user is the
// run's target user, to tell another user's session from the user's own.
func (v dsregView) session(user string) dsregSession {
	s := dsregSession{account: v.field("Diagnostic Data", "Executing Account Name"), context: v.field("Diagnostic Data", "User Context")}
	sam, upn, _ := strings.Cut(s.account.Value, ",")
	sam, upn = strings.TrimSpace(sam), strings.TrimSpace(upn)
	domain, name, _ := strings.Cut(sam, `\`)
	host, _, _ := strings.Cut(v.field("Device State", "Device Name").Value, ".")
	context := strings.ToUpper(strings.TrimSpace(s.context.Value))
	switch {
	case strings.HasSuffix(name, "$") || strings.EqualFold(sam, `NT AUTHORITY\SYSTEM`):
		s.kind, s.who = dsregSessionSystem, "the computer account "+sam
	case context == "SYSTEM":
		s.kind, s.who = dsregSessionSystem, "SYSTEM (User Context SYSTEM: an elevated prompt)"
	case context == "ELEVATED USER":
		s.kind, s.who = dsregSessionElevated, "an elevated prompt (User Context ELEVATED User)"
	case strings.Contains(upn, "@") && user != "" && !strings.EqualFold(upn, user):
		s.kind, s.who = dsregSessionOther, "another user's session ("+upn+")"
	case name != "" && !strings.Contains(upn, "@") && host != "" && strings.EqualFold(domain, host):
		s.kind, s.who = dsregSessionLocal, "the local account "+sam
	}
	return s
}

// perUser reports whether the per-user lines (User State, SSO State, work accounts) are the user's,
// as far as the paste tells.
func (s dsregSession) perUser() bool { return s.kind == dsregSessionUser }

// evidence quotes the lines that show the session.
func (s dsregSession) evidence() []Evidence { return dsregQuotes(s.account, s.context) }

// dsregRerunUser is the remediation for a paste taken in the wrong session.
const dsregRerunUser = "Ask the user to sign in to Windows with their work account and run `dsregcmd /status` in a " +
	"normal (not elevated) command prompt, then paste that output."

func (v dsregView) accounts() []dsregAccount {
	if v.d == nil {
		return nil
	}
	var out []dsregAccount
	for _, s := range v.d.Sections {
		var a dsregAccount
		for _, f := range s.Fields {
			switch strings.ToLower(f.Key) {
			case "workplacedeviceid":
				a.deviceID = dsregID(f)
			case "workplacetenantid":
				a.tenantID = dsregID(f)
			case "workplacetenantname":
				a.tenantName = f
			case "workplacemdmurl":
				a.mdmURL = f
			}
		}
		if dsregPresent(a.deviceID) || dsregIsWorkAccount(s) {
			out = append(out, a)
		}
	}
	return out
}

// subject names the device as the operator knows it: its name, else its id.
func (v dsregView) subject() string {
	for _, k := range []string{"Device Name", "DeviceName", "DeviceId"} {
		if f := v.field("Device State", k); f.Value != "" {
			return f.Value
		}
	}
	for _, a := range v.accounts() {
		if a.deviceID.Value != "" {
			return a.deviceID.Value
		}
	}
	return "the pasted device"
}

// dsregQuote is the evidence of one line of the paste, as the operator can find it in what was pasted
// (the lines of a value the console wrapped).
func dsregQuote(f facts.DsregField) Evidence {
	text := f.Raw
	if text == "" {
		text = f.Key + " : " + f.Value
	}
	where := fmt.Sprintf("line %d", f.Line)
	if f.Last > f.Line {
		where = fmt.Sprintf("lines %d-%d", f.Line, f.Last)
	}
	return Evidence{Source: dsregSource, Detail: strings.TrimSpace(where + ": " + text)}
}

// dsregGUID matches a whole tenant or device id.
var dsregGUID = regexp.MustCompile(`^(?i)\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$`)

// dsregID is an id line whose value is usable as an id: one that is not a GUID (elided by whoever
// published the paste, "72f9...db47") is no id, so its Value is emptied; its line stays for evidence.
// Compared with the tenant's ids, an elided id would read as another tenant's or a missing record.
func dsregID(f facts.DsregField) facts.DsregField {
	if v := strings.TrimSpace(f.Value); v != "" && !dsregGUID.MatchString(v) {
		f.Value = ""
	}
	return f
}

// dsregTenantAuthority finds the tenant id in the path of an AzureAdPrtAuthority URL
// (https://login.microsoftonline.com/<tenant id>).
var dsregTenantAuthority = regexp.MustCompile(`(?i)^https://[^/\s]+/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?$`)

// tenantID is the tenant the device is joined to: the TenantId line of Tenant Details, or, in a paste
// without that section (an SSO State fragment, or an output cut short), the tenant of the PRT's
// authority, which is the join's tenant. The field's Key and Value are TenantId and the id; its Line
// and Raw are those of the line it was read from, for evidence.
func (v dsregView) tenantID() facts.DsregField {
	if id := dsregID(v.field("Tenant Details", "TenantId")); id.Value != "" {
		return id
	}
	auth := v.field("SSO State", "AzureAdPrtAuthority")
	m := dsregTenantAuthority.FindStringSubmatch(strings.TrimSpace(auth.Value))
	if m == nil {
		return dsregID(v.field("Tenant Details", "TenantId"))
	}
	auth.Key, auth.Value = "TenantId", m[1]
	return auth
}

// quotes quotes the lines the paste has, skipping absent ones.
func dsregQuotes(fs ...facts.DsregField) []Evidence {
	var ev []Evidence
	for _, f := range fs {
		if dsregPresent(f) {
			ev = append(ev, dsregQuote(f))
		}
	}
	return ev
}

// incomplete is the result for a paste that lacks a line the check needs.
func dsregIncomplete(subject, what string) []Result {
	return []Result{{Status: Warn, Subject: subject,
		Summary: "The dsregcmd /status output has no usable " + what + " line, so this cannot be judged.",
		Explanation: "The paste is cut short, its identifiers were elided (\"72f9...db47\"), or it was taken in a " +
			"context where Windows does not print that line.",
		Remediation: dsregRerun,
	}}
}

func deviceJoinStateCheck() Check {
	return Check{
		ID: "device.join-state", Title: "Device join state", Step: StepDevice, Modes: userOnly, Docs: dsregDocs,
		Question: "Is the device's own join state coherent: joined, hybrid joined or registered, and only one of them?",
		Needs:    []facts.Source{facts.SrcDsregcmd},
		Judge:    judgeJoinState,
	}
}

func deviceTenantCheck() Check {
	return Check{
		ID: "device.tenant", Title: "Device tenant", Step: StepDevice, Modes: userOnly, Docs: dsregDocs,
		Question: "Does the device belong to this tenant?",
		// SrcOperator: its delta carries this tenant's id (the token's tid, or GET /organization).
		Needs: []facts.Source{facts.SrcDsregcmd, facts.SrcOperator},
		Judge: judgeDeviceTenant,
	}
}

func deviceRecordCheck() Check {
	return Check{
		ID: "device.record", Title: "Device record in Entra ID", Step: StepDevice, Modes: userOnly, Docs: dsregDocs,
		Question: "Does the device's DeviceId have an Entra record of the same trust type, managed by Intune?",
		Needs:    []facts.Source{facts.SrcDsregcmd, facts.SrcUserDevices},
		Judge:    judgeDeviceRecord,
	}
}

func deviceMDMURLsCheck() Check {
	return Check{
		ID: "device.mdm-urls", Title: "MDM URLs on the device", Step: StepDevice, Modes: userOnly, Docs: dsregDocs,
		Question: "Did the device receive the tenant's MDM URLs when it joined or registered?",
		Needs:    []facts.Source{facts.SrcDsregcmd, facts.SrcMDMPolicy},
		Judge:    judgeDeviceMDMURLs,
	}
}

func devicePRTCheck() Check {
	return Check{
		ID: "device.prt", Title: "Primary refresh token", Step: StepDevice, Modes: userOnly, Docs: prtDocs,
		Question: "Does the user hold a primary refresh token on the device?",
		Needs:    []facts.Source{facts.SrcDsregcmd},
		Judge:    judgePRT,
	}
}

func deviceAuthStatusCheck() Check {
	return Check{
		ID: "device.auth-status", Title: "Device authentication", Step: StepDevice, Modes: userOnly, Docs: dsregDocs,
		Question: "Does the device object authenticate to Entra ID (enabled, not deleted)?",
		Needs:    []facts.Source{facts.SrcDsregcmd},
		Judge:    judgeAuthStatus,
	}
}

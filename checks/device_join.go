package checks

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func judgeJoinState(f *facts.Facts) []Result {
	v := dsregView{f.Dsregcmd}
	s := v.state()
	subject := v.subject()
	if !dsregPresent(s.aadj) && !dsregPresent(s.domainJoined) && !dsregPresent(s.wpj) && !s.known {
		return dsregIncomplete(subject, "AzureAdJoined, DomainJoined or WorkplaceJoined")
	}
	ev := dsregQuotes(s.aadj, s.enterpriseJoined, s.domainJoined, s.wpj)
	deviceID := v.field("Device Details", "DeviceId")
	tenantID := v.tenantID()
	session := v.session(f.Target.User)
	switch {
	case !s.known:
		// A User State fragment: WorkplaceJoined without the Device State lines.
		r := dsregIncomplete(subject, "AzureAdJoined")[0]
		r.Evidence = ev
		if s.registered {
			r.Summary = "The device is Microsoft Entra registered (WorkplaceJoined YES), but the output has no " +
				"AzureAdJoined line, so whether it is also joined is not known."
		}
		return []Result{r}
	case s.joined:
		state := "Microsoft Entra joined"
		if s.domain {
			state = "Microsoft Entra hybrid joined"
		}
		same, other := s.accountsByTenant(tenantID.Value)
		if len(same) > 0 {
			return []Result{joinedAndRegistered(subject, state, deviceID, tenantID, same, ev)}
		}
		r := Result{Status: Pass, Subject: subject, Evidence: ev, Summary: "The device is " + state +
			", and only that."}
		if !dsregPresent(s.domainJoined) {
			r.Summary = "The device is joined to Microsoft Entra ID (the output has no DomainJoined line, so whether " +
				"it is hybrid joined is not known)."
		}
		if len(other) > 0 {
			r.Summary = fmt.Sprintf("The device is %s; it also holds %d work account(s) of other tenants, which add "+
				"no record to this tenant.", state, len(other))
			for _, a := range other {
				r.Evidence = append(r.Evidence, dsregQuotes(a.deviceID, a.tenantID)...)
			}
		}
		return []Result{r}
	case s.domain || s.enterprise:
		r := hybridNotJoined(v, subject, s, ev)
		if !session.perUser() {
			r.Evidence = append(r.Evidence, dsregQuotes(session.account)...) // User Context is quoted with the diagnostics
			r.Explanation += " The output was taken in " + session.who + ": its User State and SSO State " +
				"(WorkplaceJoined, AzureAdPrt) are that account's, not the user's."
		}
		return []Result{r}
	case s.registered:
		for _, a := range s.accounts {
			ev = append(ev, dsregQuotes(a.deviceID, a.tenantID)...)
		}
		r := Result{Status: Pass, Subject: subject, Evidence: ev,
			Summary: "The device is Microsoft Entra registered (a work account added to a personal or unmanaged " +
				"Windows), and only that."}
		if session.kind == dsregSessionOther {
			r.Status, r.Evidence = Warn, append(r.Evidence, session.evidence()...)
			r.Summary = "The output shows a Microsoft Entra registration " +
				"(WorkplaceJoined YES) of " + session.who + ", not of the user."
			r.Explanation = "A registration (a work account) belongs to the Windows user who added it: this output " +
				"was taken in another user's session, so it says nothing of the user's own."
			r.Remediation = dsregRerunUser
		}
		return []Result{r}
	}
	if !session.perUser() {
		// WorkplaceJoined is per user: NO in another session says nothing of the user's work account.
		return []Result{{Status: Warn, Subject: subject, Evidence: append(ev, session.evidence()...),
			Summary: "The device is not joined to Microsoft Entra ID, and the " +
				"output, taken in " + session.who + ", cannot say whether the user registered it.",
			Explanation: "WorkplaceJoined shows the work accounts of the Windows user the output was taken as; it is " +
				"NO for SYSTEM, a local account or another user even when the user has registered the device.",
			Remediation: dsregRerunUser,
		}}
	}
	return []Result{{Status: Fail, Subject: subject, Evidence: ev,
		Summary: "The device is neither joined to nor registered with Microsoft Entra ID.",
		Explanation: "Automatic enrollment starts from an Entra join or registration: the join (or the work account) " +
			"is what hands Windows the MDM URLs. A device with neither has no Entra identity, so Intune never hears " +
			"of it. If the user believes the device is joined, the output may come from another user's session " +
			"or another device.",
		Remediation: "On the device, signed in as the user: Settings > Accounts > Access work or school > Connect, " +
			"and either join the device to Microsoft Entra ID (corporate device) or sign in with the work account " +
			"(personal device). Then run `dsregcmd /status` again.",
	}}
}

// accountsByTenant splits the work accounts into those of the join's tenant (or of an unknown tenant,
// which may be the same) and those of other tenants.
func (s dsregState) accountsByTenant(tenantID string) (same, other []dsregAccount) {
	for _, a := range s.accounts {
		if tenantID != "" && a.tenantID.Value != "" && !strings.EqualFold(a.tenantID.Value, tenantID) {
			other = append(other, a)
			continue
		}
		same = append(same, a)
	}
	if len(same) == 0 && len(s.accounts) == 0 && s.registered {
		// WorkplaceJoined YES without the account's lines (a cut paste): count it as one.
		same = append(same, dsregAccount{})
	}
	return same, other
}

func joinedAndRegistered(subject, state string, deviceID, tenantID facts.DsregField, accounts []dsregAccount, ev []Evidence) Result {
	ev = append(ev, dsregQuotes(deviceID, tenantID)...)
	var ids []string
	for _, a := range accounts {
		ev = append(ev, dsregQuotes(a.deviceID, a.tenantID)...)
		if a.deviceID.Value != "" {
			ids = append(ids, a.deviceID.Value)
		}
	}
	records := "a joined record"
	if deviceID.Value != "" {
		records += " (DeviceId " + deviceID.Value + ")"
	}
	records += " and a registered (Workplace) record"
	if len(ids) > 0 {
		records += " (WorkplaceDeviceId " + strings.Join(ids, ", ") + ")"
	}
	return Result{Status: Fail, Subject: subject, Evidence: ev,
		Summary: "The device is " + state + " and also registered (WorkplaceJoined YES) in the same tenant.",
		Explanation: "Entra ID holds two records for this one computer: " + records + ". This is the duplicate pair " +
			"devices.duplicates reports. " +
			"Intune manages the device through its join; the registered record stays unmanaged and goes stale, and " +
			"Conditional Access may evaluate the wrong one.",
		Remediation: "On the device, in the user's session: Settings > Accounts > Access work or school, select the " +
			"work account entry (not the one \"Connected to\" the organisation's Entra ID or domain) and choose " +
			"Disconnect. " +
			"Then disable the Workplace record in Entra ID and delete it once it has stayed disabled for a while " +
			"(devices.duplicates offers fix devices.duplicates.disable-stale, then " +
			"devices.duplicates.delete-stale, once the record is stale). " +
			"On hybrid joined devices, the policy BlockAADWorkplaceJoin = 1 under " +
			"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WorkplaceJoin keeps it from coming back.",
	}
}

// hybridDocs is Microsoft's guide to hybrid join failures, by phase and error code.
const hybridDocs = "https://learn.microsoft.com/en-us/entra/identity/devices/troubleshoot-hybrid-join-windows-current"

// dsregPreJoinKeys are the pre-join diagnostics lines, in the order Windows prints them: the tests
// (PASS, FAIL [code], SKIPPED) and the previous attempt's phase and errors.
var dsregPreJoinKeys = []string{"User Context", "AD Connectivity Test", "AD Configuration Test", "DRS Discovery Test",
	"DRS Connectivity Test", "Kerberos Ticket Test", "Token acquisition Test", "Previous Registration", "Registration Type",
	"Error Phase", "Client ErrorCode", "Server ErrorCode", "Server Message", "Https Status", "Request Id"}

// dsregPhases says, after Microsoft's hybrid join troubleshooting guide, what a failing pre-join test
// means and where to look; an entry without a test is for an attempt whose tests all passed and that
// failed in its phase.
var dsregPhases = []struct{ test, phase, cause string }{
	{"AD Connectivity Test", "pre-check", "The device has no line of sight to a domain controller (pre-check phase): " +
		"it must be on the organisation's network or VPN."},
	{"AD Configuration Test", "discover", "The Service Connection Point (SCP) object could not be read from Active " +
		"Directory or is misconfigured (discover phase, 0x801c001d DSREG_AUTOJOIN_ADCONFIG_READ_FAILED): configure " +
		"the SCP with the tenant's verified domain and id (Entra Connect > Configure device options) and check " +
		"that the computer can read it."},
	{"DRS Discovery Test", "discover", "The device could not fetch the discovery metadata from " +
		"https://enterpriseregistration.windows.net or do realm discovery at login.microsoftonline.com in the SYSTEM " +
		"context (discover phase); the sub-error after the slash names the cause (0x80072ee2 a network timeout, " +
		"0x801c003a a wrong tenant id in the SCP)."},
	{"DRS Connectivity Test", "discover", "The device reached discovery but not the device registration service " +
		"(DRS): check the proxy for the computer account (SYSTEM context)."},
	{"Token acquisition Test", "auth", "The device could not get a token from the federation service (auth phase, " +
		"federated domains only): check the WS-Trust endpoints of AD FS."},
	{"", "join", "The registration itself failed (join phase). With a sync join, DirectoryError \"The device object " +
		"by the given id isn't found\" is expected until Entra Connect has synchronised the computer: wait for the " +
		"next sync; otherwise look up the Client ErrorCode and Server ErrorCode."},
}

// hybridNotJoined is the result for a domain-joined device that has not completed the Entra hybrid
// join: it quotes the pre-join diagnostics, which name the failing test and phase.
func hybridNotJoined(v dsregView, subject string, s dsregState, ev []Evidence) Result {
	failed := ""
	for _, k := range dsregPreJoinKeys {
		f := v.field("Diagnostic Data", k)
		ev = append(ev, dsregQuotes(f)...)
		if failed == "" && strings.HasPrefix(strings.ToUpper(f.Value), "FAIL") {
			failed = f.Key + " " + f.Value
		}
	}
	var codes []string
	for _, k := range dsregPreJoinKeys {
		codes = append(codes, v.field("Diagnostic Data", k).Value)
	}
	ev = append(ev, catalogEvidence(codes...)...)
	summary := "The device is joined to an on-premises domain but not to Microsoft Entra ID (hybrid join " +
		"not completed)."
	if !dsregPresent(s.domainJoined) {
		summary = "The output's pre-join diagnostics, which Windows prints only for a domain-joined device that is " +
			"not hybrid joined, show that the hybrid join has not completed."
	}
	phase := strings.ToLower(v.field("Diagnostic Data", "Error Phase").Value)
	var cause string
	for _, p := range dsregPhases {
		if p.test != "" && strings.HasPrefix(failed, p.test+" ") || p.test == "" && failed == "" && p.phase == phase {
			cause = p.cause
			break
		}
	}
	switch {
	case failed != "":
		summary += " " + failed + "."
	case phase != "":
		summary += " The last attempt " +
			"failed in the " + phase + " phase (" + v.field("Diagnostic Data", "Client ErrorCode").Value + ")."
	}
	if s.registered {
		summary += " It is registered (WorkplaceJoined YES) instead."
	}
	explanation := "A domain-joined device enrolls automatically (through the Group Policy \"Enable automatic MDM " +
		"enrollment using default Azure AD credentials\") only once it is Entra hybrid joined. " +
		"Until then it has no joined record in Entra ID and no MDM URLs. A registered work account on a " +
		"domain-joined device is a different, user-level registration and does not replace the hybrid join."
	if cause != "" {
		explanation += " " + cause
	}
	return Result{Status: Warn, Subject: subject, Evidence: ev, Summary: summary, Explanation: explanation,
		Remediation: "Check that Entra Connect synchronises the computer's organisational unit and that the Service " +
			"Connection Point is configured; the Diagnostic Data lines quoted here name the phase " +
			"that failed (" + hybridDocs + "). " +
			"Once synchronised, the device completes the join at the next restart or user sign-in (or run `dsregcmd " +
			"/join` as SYSTEM).",
	}
}

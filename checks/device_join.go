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
	if !dsregPresent(s.aadj) && !dsregPresent(s.domainJoined) && !dsregPresent(s.wpj) {
		return dsregIncomplete(subject, "AzureAdJoined, DomainJoined or WorkplaceJoined")
	}
	ev := dsregQuotes(s.aadj, s.enterpriseJoined, s.domainJoined, s.wpj)
	deviceID := v.field("Device Details", "DeviceId")
	tenantID := v.field("Tenant Details", "TenantId")
	switch {
	case s.joined:
		state := "Microsoft Entra joined"
		if s.domain {
			state = "Microsoft Entra hybrid joined"
		}
		same, other := s.accountsByTenant(tenantID.Value)
		if len(same) > 0 {
			return []Result{joinedAndRegistered(subject, state, deviceID, tenantID, same, ev)}
		}
		r := Result{Status: Pass, Subject: subject, Evidence: ev, Summary: "The device is " + state + ", and only that."}
		if len(other) > 0 {
			r.Summary = fmt.Sprintf("The device is %s; it also holds %d work account(s) of other tenants, which add no record to this tenant.", state, len(other))
			for _, a := range other {
				r.Evidence = append(r.Evidence, dsregQuotes(a.deviceID, a.tenantID)...)
			}
		}
		return []Result{r}
	case s.domain || s.enterprise:
		return []Result{hybridNotJoined(v, subject, s, ev)}
	case s.registered:
		for _, a := range s.accounts {
			ev = append(ev, dsregQuotes(a.deviceID, a.tenantID)...)
		}
		return []Result{{Status: Pass, Subject: subject, Evidence: ev,
			Summary: "The device is Microsoft Entra registered (a work account added to a personal or unmanaged Windows), and only that."}}
	}
	return []Result{{Status: Fail, Subject: subject, Evidence: ev,
		Summary:     "The device is neither joined to nor registered with Microsoft Entra ID.",
		Explanation: "Automatic enrollment starts from an Entra join or registration: the join (or the work account) is what hands Windows the MDM URLs. A device with neither has no Entra identity, so Intune never hears of it. If the user believes the device is joined, the output may come from another user's session or another device.",
		Remediation: "On the device, signed in as the user: Settings > Accounts > Access work or school > Connect, and either join the device to Microsoft Entra ID (corporate device) or sign in with the work account (personal device). Then run `dsregcmd /status` again.",
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
		Explanation: "Entra ID holds two records for this one computer: " + records + ". This is the duplicate pair devices.duplicates reports. " +
			"Intune manages the device through its join; the registered record stays unmanaged and goes stale, and Conditional Access may evaluate the wrong one.",
		Remediation: "On the device, in the user's session: Settings > Accounts > Access work or school, select the work account entry (not the one \"Connected to\" the organisation's Entra ID or domain) and choose Disconnect. " +
			"Then delete the stale Workplace record in Entra ID (fix devices.duplicates.delete-stale). " +
			"On hybrid joined devices, the policy BlockAADWorkplaceJoin = 1 under HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WorkplaceJoin keeps it from coming back.",
	}
}

// hybridNotJoined is the result for a domain-joined device that has not completed the Entra hybrid
// join: it quotes the pre-join diagnostics, which name the failing phase.
func hybridNotJoined(v dsregView, subject string, s dsregState, ev []Evidence) Result {
	for _, k := range []string{"DRS Discovery Test", "DRS Connectivity Test", "Token acquisition Test", "Error Phase", "Client ErrorCode", "Server ErrorCode", "Server Message"} {
		ev = append(ev, dsregQuotes(v.field("Diagnostic Data", k))...)
	}
	summary := "The device is joined to an on-premises domain but not to Microsoft Entra ID (hybrid join not completed)."
	if s.registered {
		summary += " It is registered (WorkplaceJoined YES) instead."
	}
	return Result{Status: Warn, Subject: subject, Evidence: ev, Summary: summary,
		Explanation: "A domain-joined device enrolls automatically (through the Group Policy \"Enable automatic MDM enrollment using default Azure AD credentials\") only once it is Entra hybrid joined. " +
			"Until then it has no joined record in Entra ID and no MDM URLs. A registered work account on a domain-joined device is a different, user-level registration and does not replace the hybrid join.",
		Remediation: "Check that Entra Connect synchronises the computer's organisational unit and that the Service Connection Point is configured; the Diagnostic Data lines quoted here name the phase that failed. " +
			"Once synchronised, the device completes the join at the next restart or user sign-in (or run `dsregcmd /join` as SYSTEM).",
	}
}

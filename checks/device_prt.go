package checks

import (
	"regexp"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// dsregPRTDiagnostics are the keys of the PRT diagnostics (SSO State) and of the join diagnostics
// (Diagnostic Data) that say why a token could not be had; a failing device.prt quotes those present.
func dsregPRTDiagnostics() [][2]string {
	return [][2]string{
		{"SSO State", "AcquirePrtDiagnostics"}, {"SSO State", "RefreshPrtDiagnostics"},
		{"SSO State", "Previous Prt Attempt"}, {"SSO State", "Attempt Status"}, {"SSO State", "Credential Type"},
		{"SSO State", "HTTP Status"}, {"SSO State", "Server Error Code"}, {"SSO State", "Server Error Description"},
		{"Diagnostic Data", "Error Phase"}, {"Diagnostic Data", "Client ErrorCode"},
		{"Diagnostic Data", "Server ErrorCode"}, {"Diagnostic Data", "Server Message"},
	}
}

// dsregAADSTS finds the Entra error code (AADSTS50126) in a server error description.
var dsregAADSTS = regexp.MustCompile(`AADSTS\d+`)

func judgePRT(f *facts.Facts) []Result {
	v := dsregView{f.Dsregcmd}
	s := v.state()
	subject := v.subject()
	if s.known && !s.joined {
		return []Result{{Status: Skip, Subject: subject, Evidence: dsregQuotes(s.aadj),
			Summary: "Skipped: the device is not joined to Microsoft Entra ID; the PRT of the Windows sign-in " +
				"applies to joined and hybrid joined devices only."}}
	}
	prt := v.field("SSO State", "AzureAdPrt")
	if !dsregPresent(prt) {
		if !s.known {
			return dsregIncomplete(subject, "AzureAdJoined or AzureAdPrt")
		}
		return dsregIncomplete(subject, "AzureAdPrt")
	}
	session := v.session(f.Target.User)
	if !session.perUser() {
		return []Result{{Status: Warn, Subject: subject, Evidence: append(dsregQuotes(prt), session.evidence()...),
			Summary: "The output was taken in " + session.who + ", so its AzureAdPrt " + strings.TrimSpace(prt.Value) +
				" is that account's, not the user's.",
			Explanation: "The primary refresh token belongs to the Windows user who signed in: the SSO State section " +
				"shows the token of the account that ran dsregcmd. SYSTEM, the computer account and a local account " +
				"never hold one; another user's token says nothing of this user's.",
			Remediation: dsregRerunUser,
		}}
	}
	if dsregYes(prt) {
		return []Result{{Status: Pass, Subject: subject, Evidence: dsregQuotes(prt, v.field("SSO State", "AzureAdPrtUpdateTime"), session.account),
			Summary: "The user holds a primary refresh token on the device (AzureAdPrt YES)."}}
	}
	ev := dsregQuotes(prt)
	for _, k := range dsregPRTDiagnostics() {
		ev = append(ev, dsregQuotes(v.field(k[0], k[1]))...)
	}
	summary := "The user holds no primary refresh token on the device " +
		"(AzureAdPrt " + strings.TrimSpace(prt.Value) + ")."
	status, attempt := v.field("SSO State", "Attempt Status"), ""
	ev = append(ev, catalogEvidence(status.Value)...)
	if status.Value != "" {
		attempt = "Attempt Status " + status.Value
	}
	if code := v.field("SSO State", "Server Error Code").Value; code != "" {
		attempt = strings.TrimPrefix(attempt+", "+code, ", ")
	}
	if code := dsregAADSTS.FindString(v.field("SSO State", "Server Error Description").Value); code != "" {
		attempt = strings.TrimPrefix(attempt+", "+code, ", ")
	}
	if attempt != "" {
		summary += " The last attempt failed: " + attempt + "."
	}
	result := Result{Status: Fail, Subject: subject, Summary: summary,
		Explanation: "The primary refresh token is the user's Entra sign-in on the device. Without it the sign-in is " +
			"broken: automatic enrollment, which runs with the user's token after sign-in, will not happen, and " +
			"single sign-on and device-based Conditional Access fail too.",
		Remediation: "Have the user sign out of Windows and sign in again with the work account, online (with a " +
			"password if Windows Hello fails), then run `dsregcmd /status` again. " +
			"If AzureAdPrt stays NO, look up the quoted diagnostics (Attempt Status, Server Error Code and " +
			"Description; AADSTS50126, for example, is a wrong user name or password) and check " +
			"device.auth-status: a disabled or deleted device gets no token.",
	}
	identity := v.field("SSO State", "User Identity")
	switch {
	case identity.Value != "" && f.Target.User != "" && !strings.EqualFold(identity.Value, f.Target.User):
		// "On a shared device, this diagnostics information could be from a different user's login attempt."
		result.Status = Warn
		result.Summary += " The failed attempt was another user's (User Identity " + identity.Value + ")."
		result.Explanation += " The PRT diagnostics are of the last failed attempt on the device, which can be " +
			"another user's on a shared device."
	case !s.known && attempt == "":
		// Without the join lines and without a failed attempt, NO can be a registered device's normal state.
		result.Status = Warn
		result.Summary += " The output has no AzureAdJoined line: a PRT is expected only on joined and hybrid " +
			"joined devices."
		result.Remediation = dsregRerun
	case !s.known:
		result.Summary += " (The output has no AzureAdJoined line; the failed attempt shows the device tried to get " +
			"one, as joined and hybrid joined devices do.)"
	}
	result.Evidence = append(ev, dsregQuotes(identity)...)
	return []Result{result}
}

package checks

import (
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

func judgePRT(f *facts.Facts) []Result {
	v := dsregView{f.Dsregcmd}
	s := v.state()
	subject := v.subject()
	if !s.joined {
		return []Result{{Status: Skip, Subject: subject, Evidence: dsregQuotes(s.aadj),
			Summary: "Skipped: the device is not joined to Microsoft Entra ID; the PRT of the Windows sign-in applies to joined and hybrid joined devices only."}}
	}
	prt := v.field("SSO State", "AzureAdPrt")
	if !dsregPresent(prt) {
		return dsregIncomplete(subject, "AzureAdPrt")
	}
	if dsregYes(prt) {
		return []Result{{Status: Pass, Subject: subject, Evidence: dsregQuotes(prt, v.field("SSO State", "AzureAdPrtUpdateTime")),
			Summary: "The user holds a primary refresh token on the device (AzureAdPrt YES)."}}
	}
	ev := dsregQuotes(prt)
	for _, k := range dsregPRTDiagnostics() {
		ev = append(ev, dsregQuotes(v.field(k[0], k[1]))...)
	}
	summary := "The user holds no primary refresh token on the device (AzureAdPrt " + strings.TrimSpace(prt.Value) + ")."
	if code := v.field("SSO State", "Server Error Code").Value; code != "" {
		summary += " The last attempt failed with " + code + "."
	}
	return []Result{{Status: Fail, Subject: subject, Evidence: ev, Summary: summary,
		Explanation: "The primary refresh token is the user's Entra sign-in on the device. Without it the sign-in is broken: automatic enrollment, which runs with the user's token after sign-in, will not happen, and single sign-on and device-based Conditional Access fail too.",
		Remediation: "Have the user sign out of Windows and sign in again with the work account, online (with a password if Windows Hello fails), then run `dsregcmd /status` again. " +
			"If AzureAdPrt stays NO, look up the quoted diagnostics (Attempt Status, Server Error Code and Description; AADSTS50126, for example, is a wrong user name or password) and check device.auth-status: a disabled or deleted device gets no token.",
	}}
}

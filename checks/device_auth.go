package checks

import (
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func judgeAuthStatus(f *facts.Facts) []Result {
	v := dsregView{f.Dsregcmd}
	s := v.state()
	subject := v.subject()
	if s.known && !s.joined {
		return []Result{{Status: Skip, Subject: subject, Evidence: dsregQuotes(s.aadj),
			Summary: "Skipped: DeviceAuthStatus is reported for joined and hybrid joined devices only."}}
	}
	st := v.field("Device Details", "DeviceAuthStatus")
	switch {
	case !dsregPresent(st) && !s.known:
		return dsregIncomplete(subject, "AzureAdJoined or DeviceAuthStatus")
	case !dsregPresent(st):
		return []Result{{Status: Skip, Subject: subject,
			Summary: "Skipped: the output has no DeviceAuthStatus line; Windows prints it from Windows 10 21H1 on."}}
	}
	// Without the join lines, a DeviceAuthStatus line is still the device's: Windows prints Device
	// Details only for joined and hybrid joined devices.
	ev := dsregQuotes(st, v.field("Device Details", "DeviceId"))
	value := strings.ToUpper(strings.TrimSpace(st.Value))
	switch {
	case strings.HasPrefix(value, "SUCCESS"):
		return []Result{{Status: Pass, Subject: subject, Evidence: ev, Summary: "The device object is present and " +
			"enabled in Entra ID (DeviceAuthStatus SUCCESS)."}}
	case strings.HasPrefix(value, "FAILED") && strings.Contains(value, "ERROR"):
		return []Result{{Status: Warn, Subject: subject, Evidence: ev,
			Summary: "Windows could not test the device's authentication (DeviceAuthStatus " + st.Value + ").",
			Explanation: "The test needs network access to Entra ID in the system context; it did not run, so the " +
				"device object's health is unknown.",
			Remediation: "Check that the device reaches login.microsoftonline.com and " +
				"enterpriseregistration.windows.net without an interactive proxy, then run `dsregcmd /status` again.",
		}}
	case strings.HasPrefix(value, "FAILED"):
		return []Result{{Status: Fail, Subject: subject, Evidence: ev,
			Summary: "The device object is disabled or deleted in Entra ID (DeviceAuthStatus " + st.Value + ").",
			Explanation: "The device authenticates to Entra ID with its device object. Disabled or deleted, the " +
				"object refuses it: the device gets no tokens, the user gets no primary refresh token, and " +
				"enrollment and Conditional Access fail.",
			Remediation: "In the Entra admin center > Devices, search the quoted DeviceId. If the device is " +
				"disabled, enable it. If it was deleted, the device must register again: `dsregcmd /leave` in an " +
				"elevated prompt, restart, and join again (a hybrid joined device re-registers by itself once " +
				"Entra Connect has synchronised it).",
		}}
	}
	return []Result{{Status: Warn, Subject: subject, Evidence: ev,
		Summary: "DeviceAuthStatus has a value this tool does not know: " + st.Value + ".",
		Explanation: "Microsoft documents SUCCESS, \"FAILED. Device is either disabled or deleted\" and " +
			"\"FAILED. ERROR\".",
		Remediation: "Look the value up in Microsoft's dsregcmd troubleshooting article.",
	}}
}

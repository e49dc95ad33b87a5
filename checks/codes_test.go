package checks

import (
	"fmt"
	"strings"
	"testing"
)

// A pasted dsregcmd's own error codes are decoded through the error catalog, each with its article.
func TestDsregCodesDecodedThroughTheCatalog(t *testing.T) {
	for _, tc := range []struct {
		check, paste string
		want         []string
	}{
		{"device.join-state", "hybrid-not-joined.txt", []string{"0x801c0021 DSREG_AUTOJOIN_DISC_FAILED", "0x801c000c DSREG_E_DISCOVERY_FAILED", "mdmdoctor explain 0x801c0021"}},
		{"device.join-state", "../realworld/dsregcmd/learn-diag-discover.txt", []string{"0x801c0021 DSREG_AUTOJOIN_DISC_FAILED"}},
		{"device.prt", "prt-no.txt", []string{"0xc000006d STATUS_LOGON_FAILURE"}},
	} {
		t.Run(tc.paste, func(t *testing.T) {
			r := judgeOne(t, tc.check, dsregFacts(t, tc.paste))
			all := fmt.Sprint(r.Evidence)
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("%s: evidence lacks %q:\n%s", tc.check, w, all)
				}
			}
			if !strings.Contains(all, "https://learn.microsoft.com/en-us/entra/identity/devices/troubleshoot-hybrid-join-windows-current") {
				t.Errorf("the decoded code must cite its article:\n%s", all)
			}
		})
	}
}

func TestCatalogNote(t *testing.T) {
	for in, want := range map[string]string{
		"The device failed to enroll: 0x80180014":    "0x80180014 MENROLL_E_DEVICENOTSUPPORTED: Your organization does not support this version of Windows",
		"This account is not allowed on this phone.": "This account is not allowed on this phone",
		"Intune gave no code":                        "",
	} {
		if got := catalogNote(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

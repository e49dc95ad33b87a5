package clouds_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/clouds"
)

// Every cloud has every service of the table (Graph, Entra sign-in, device registration, Intune
// enrollment), so no field may be empty; what Microsoft does not document is marked, not left out.
func TestTableIsComplete(t *testing.T) {
	if got := clouds.Names(); !slices.Equal(got, []string{"public", "usgov", "usgovdod", "china"}) {
		t.Fatalf("names: %v", got)
	}
	for _, c := range clouds.All() {
		for field, v := range map[string]string{
			"Label": c.Label, "GraphRoot": c.GraphRoot, "LoginHost": c.LoginHost,
			"Enrollment": c.Enrollment.Want, "Registration": c.Registration.Want,
			"Discovery": c.MDM.Discovery, "TermsOfUse": c.MDM.TermsOfUse, "Compliance": c.MDM.Compliance,
		} {
			if v == "" {
				t.Errorf("%s: %s is empty", c.Name, field)
			}
		}
		if u, err := url.Parse(c.GraphRoot); err != nil || u.Scheme != "https" || u.Path != "" {
			t.Errorf("%s: Graph root %q is not an https root without a path", c.Name, c.GraphRoot)
		}
		if strings.Contains(c.LoginHost, "/") {
			t.Errorf("%s: login host %q is not a host", c.Name, c.LoginHost)
		}
		for _, tg := range []clouds.Target{c.Enrollment, c.Registration} {
			for _, n := range slices.Concat([]string{tg.Want}, tg.Legacy, tg.Also) {
				if !strings.HasSuffix(n, ".") {
					t.Errorf("%s: CNAME target %q is not fully qualified", c.Name, n)
				}
			}
			if len(tg.Also) > 0 && tg.Disagreement == "" {
				t.Errorf("%s: %s has other targets without saying why", c.Name, tg.Want)
			}
		}
		for _, u := range []string{c.MDM.Discovery, c.MDM.TermsOfUse, c.MDM.Compliance} {
			if !strings.HasPrefix(u, "https://") {
				t.Errorf("%s: MDM URL %q is not https", c.Name, u)
			}
		}
	}
}

// Where Microsoft's documentation is silent the table says so: 21Vianet's CNAME targets and the
// national clouds' MDM URLs; the public cloud's values and the US government targets are documented.
func TestUnconfirmedValuesAreMarked(t *testing.T) {
	for _, c := range clouds.All() {
		china := c.Name == clouds.China
		if c.Enrollment.Unconfirmed != china || c.Registration.Unconfirmed != china {
			t.Errorf("%s: CNAME targets unconfirmed %v/%v", c.Name, c.Enrollment.Unconfirmed, c.Registration.Unconfirmed)
		}
		if c.MDM.Confirmed != (c.Name == clouds.Public) {
			t.Errorf("%s: MDM URLs confirmed %v", c.Name, c.MDM.Confirmed)
		}
	}
}

func TestLookup(t *testing.T) {
	if c, ok := clouds.Lookup(""); !ok || c.Name != clouds.Public {
		t.Errorf("empty name: %v %v", c.Name, ok)
	}
	if _, ok := clouds.Lookup("mars"); ok {
		t.Error("mars is a cloud")
	}
	if err := clouds.Unknown("mars"); !strings.Contains(err.Error(), `"mars"`) || !strings.Contains(err.Error(), "usgovdod") {
		t.Errorf("unknown: %v", err)
	}
	if got := clouds.GraphHosts(); !slices.Contains(got, "dod-graph.microsoft.us") || len(got) != 4 {
		t.Errorf("graph hosts: %v", got)
	}
	if got := clouds.TargetDomains(); !slices.Equal(got, []string{"microsoft.com", "windows.net", "microsoft.us",
		"microsoftonline.us", "microsoftonline.cn"}) {
		t.Errorf("target domains: %v", got)
	}
	// All hands out copies: a caller's change does not reach the table.
	all := clouds.All()
	all[0].Enrollment.Legacy[0] = "changed."
	if clouds.All()[0].Enrollment.Legacy[0] == "changed." {
		t.Error("All shares its slices")
	}
}

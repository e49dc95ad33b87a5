// Package clouds is the one table of the Microsoft clouds mdmdoctor knows: for each, its name as
// --cloud accepts it, its Microsoft Graph root, its sign-in (authority) host, the targets of the
// EnterpriseEnrollment and EnterpriseRegistration CNAMEs, and Intune's default MDM URLs. graph
// signs in and calls Graph with it, checks judges DNS records and MDM URLs with it, the CLI offers its
// names. It imports nothing of ours, so every layer may read it; it is a package of its own rather than
// part of facts because it holds what Microsoft publishes, the same for every tenant, while facts holds
// what was gathered about one.
package clouds

import (
	"fmt"
	"slices"
	"strings"
)

// Names of the clouds, as --cloud accepts them.
const (
	Public   = "public"
	USGov    = "usgov"    // Microsoft 365 GCC High (Azure US Government, L4)
	USGovDoD = "usgovdod" // Microsoft 365 DoD (Azure US Government, L5)
	China    = "china"    // operated by 21Vianet
)

// Cloud is what mdmdoctor knows of one Microsoft cloud.
type Cloud struct {
	// Name is the cloud's name as --cloud accepts it and reports print it.
	Name string
	// Label names the cloud for people.
	Label string
	// GraphRoot is the Microsoft Graph service root, without a version or trailing slash.
	GraphRoot string
	// LoginHost is the Microsoft Entra ID sign-in (authority) host.
	LoginHost string
	// Enrollment and Registration are the targets of EnterpriseEnrollment.<domain> and
	// EnterpriseRegistration.<domain>.
	Enrollment, Registration Target
	// MDM are Intune's default MDM URLs in the cloud.
	MDM MDMURLs
}

// Target is what one CNAME should point to in one cloud.
type Target struct {
	// Want is the target as Microsoft writes it, fully qualified (trailing dot), for the line to paste.
	Want string
	// Legacy targets still work, but the user gets an extra prompt.
	Legacy []string
	// Also are targets another Microsoft page gives for the same record: accepted as right, with
	// Disagreement said in the result.
	Also         []string
	Disagreement string
	// Unconfirmed marks a target not found in Microsoft's documentation.
	Unconfirmed bool
}

// MDMURLs are the MDM terms of use, discovery and compliance URLs of the Intune MDM policy.
type MDMURLs struct {
	Discovery, TermsOfUse, Compliance string
	// Confirmed is false where Microsoft's documentation does not state the values for the cloud.
	Confirmed bool
}

// Sources of the table, Microsoft's documentation:
//   - Graph roots and sign-in hosts: https://learn.microsoft.com/graph/deployments ("App registration and
//     token service root endpoints", "Microsoft Graph and Graph Explorer service root endpoints"): GCC
//     High uses graph.microsoft.us, DoD dod-graph.microsoft.us, both sign in at login.microsoftonline.us.
//   - CNAME targets: https://learn.microsoft.com/intune/intune-service/enrollment/windows-enrollment-create-cname
//     (EnterpriseEnrollment-s.manage.microsoft.com; US government EnterpriseEnrollment-s.manage.microsoft.us;
//     EnterpriseRegistration.windows.net for both) and
//     https://learn.microsoft.com/mem/intune/fundamentals/intune-us-government-endpoints and
//     https://learn.microsoft.com/entra/identity/devices/howto-vm-sign-in-azure-ad-windows#network-requirements
//     (enterpriseregistration.microsoftonline.us as Azure Government's device registration service).
//   - Default MDM URLs (public cloud): https://learn.microsoft.com/intune/intune-service/enrollment/windows-enroll
//     ("Restore default MDM URLs"); the compliance URL is what tenants show.
//
// Where the documentation is silent: 21Vianet's enrollment target and registration target, and every
// national cloud's default MDM URLs, are not stated by Microsoft; the table carries the values seen in
// use and marks them Unconfirmed (or not Confirmed), and the checks say so in their results. Every cloud
// has every service in the table: Graph, Entra sign-in, device registration and Intune enrollment.

// usgovRegistration: the Intune article on the CNAMEs and the endpoint pages disagree (see Sources).
func usgovRegistration() Target {
	return Target{Want: "EnterpriseRegistration.windows.net.",
		Also: []string{"EnterpriseRegistration.microsoftonline.us."},
		Disagreement: "Microsoft's pages disagree for US government clouds: the Intune article on these CNAMEs gives " +
			"EnterpriseRegistration.windows.net, while the Entra and Intune endpoint pages name " +
			"enterpriseregistration.microsoftonline.us as Azure Government's device registration service. mdmdoctor " +
			"accepts both."}
}

// nationalMDM are the default MDM URLs on a national cloud's Intune host: the public cloud's pattern,
// not stated by Microsoft.
func nationalMDM(host string) MDMURLs {
	return MDMURLs{
		Discovery:  "https://enrollment." + host + "/enrollmentserver/discovery.svc",
		TermsOfUse: "https://portal." + host + "/TermsofUse.aspx",
		Compliance: "https://portal." + host + "/?portalAction=Compliance",
	}
}

// All is the table, a fresh copy each call, in the order --cloud lists the names.
func All() []Cloud {
	return []Cloud{{
		Name: Public, Label: "commercial (public)",
		GraphRoot: "https://graph.microsoft.com", LoginHost: "login.microsoftonline.com",
		Enrollment: Target{Want: "EnterpriseEnrollment-s.manage.microsoft.com.",
			Legacy: []string{"EnterpriseEnrollment.manage.microsoft.com.", "manage.microsoft.com."}},
		Registration: Target{Want: "EnterpriseRegistration.windows.net."},
		MDM: MDMURLs{
			Discovery:  "https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc",
			TermsOfUse: "https://portal.manage.microsoft.com/TermsofUse.aspx",
			Compliance: "https://portal.manage.microsoft.com/?portalAction=Compliance",
			Confirmed:  true,
		},
	}, {
		Name: USGov, Label: "US Government (GCC High)",
		GraphRoot: "https://graph.microsoft.us", LoginHost: "login.microsoftonline.us",
		Enrollment:   Target{Want: "EnterpriseEnrollment-s.manage.microsoft.us."},
		Registration: usgovRegistration(),
		MDM:          nationalMDM("manage.microsoft.us"),
	}, {
		Name: USGovDoD, Label: "US Government (DoD)",
		GraphRoot: "https://dod-graph.microsoft.us", LoginHost: "login.microsoftonline.us",
		Enrollment:   Target{Want: "EnterpriseEnrollment-s.manage.microsoft.us."},
		Registration: usgovRegistration(),
		MDM:          nationalMDM("manage.microsoft.us"),
	}, {
		Name: China, Label: "China (operated by 21Vianet)",
		GraphRoot: "https://microsoftgraph.chinacloudapi.cn", LoginHost: "login.chinacloudapi.cn",
		Enrollment:   Target{Want: "EnterpriseEnrollment-s.manage.microsoftonline.cn.", Unconfirmed: true},
		Registration: Target{Want: "EnterpriseRegistration.partner.microsoftonline.cn.", Unconfirmed: true},
		MDM:          nationalMDM("manage.microsoftonline.cn"),
	}}
}

// Names are the clouds' names, as --cloud accepts them.
func Names() []string {
	var out []string
	for _, c := range All() {
		out = append(out, c.Name)
	}
	return out
}

// Lookup finds a cloud by name; "" is the public cloud.
func Lookup(name string) (Cloud, bool) {
	if name == "" {
		name = Public
	}
	for _, c := range All() {
		if c.Name == name {
			return c, true
		}
	}
	return Cloud{}, false
}

// Get is Lookup for a name already validated (facts carry the --cloud value the CLI checked): an
// unknown name gets the public cloud.
func Get(name string) Cloud {
	if c, ok := Lookup(name); ok {
		return c
	}
	c, _ := Lookup(Public)
	return c
}

// GraphHosts are the hosts of every cloud's Graph root, lower case.
func GraphHosts() []string {
	var out []string
	for _, c := range All() {
		out = append(out, strings.ToLower(strings.TrimPrefix(c.GraphRoot, "https://")))
	}
	return out
}

// TargetDomains are the DNS domains the clouds' CNAME targets lie in (microsoft.com, windows.net, ...),
// lower case, each once: a name in one of them is Microsoft's, not the customer's.
func TargetDomains() []string {
	var out []string
	for _, c := range All() {
		for _, t := range []Target{c.Enrollment, c.Registration} {
			for _, n := range append(append([]string{t.Want}, t.Legacy...), t.Also...) {
				labels := strings.Split(strings.ToLower(strings.TrimSuffix(n, ".")), ".")
				if d := strings.Join(labels[max(len(labels)-2, 0):], "."); !slices.Contains(out, d) {
					out = append(out, d)
				}
			}
		}
	}
	return out
}

// AuthorityHost is the cloud's sign-in authority as an https URL with a trailing slash, the form
// azidentity's cloud configuration takes.
func (c Cloud) AuthorityHost() string { return "https://" + c.LoginHost + "/" }

// Unknown is the error for a name that is no cloud's: it says what --cloud accepts.
func Unknown(name string) error {
	return fmt.Errorf("unknown cloud %q: use --cloud %s", name, strings.Join(Names(), ", "))
}

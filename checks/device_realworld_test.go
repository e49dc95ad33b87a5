package checks

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// dsregRealworldDir holds dsregcmd /status outputs published by others; each .source sidecar names
// the source and quotes what it says about the device.
const dsregRealworldDir = "../testdata/realworld/dsregcmd"

// dsregDeviceChecks are the device checks, in the order of a dsregRealworld row's verdicts.
var dsregDeviceChecks = [6]string{"device.join-state", "device.tenant", "device.record", "device.mdm-urls", "device.prt", "device.auth-status"}

// Tenants and users the published samples name (Microsoft's example values, or our placeholders).
const (
	rwLearnTenant  = "aaaabbbb-0000-cccc-1111-dddd2222eeee" // Microsoft Learn's dsregcmd and hybrid join articles
	rwPRTTenant    = "01234567-89ab-cdef-0123-456789abcdef" // the PRT troubleshooting article
	rwLabTenant    = "10000000-0000-4000-8000-000000000001" // entra-joined-empty-mdm.txt, placeholder
	rwLabUser      = "user1@tenant1.onmicrosoft.com"
	rwLabDevice    = "20000000-0000-4000-8000-000000000001"
	rwFlatDevice   = "5820fbe9-60c8-43b0-bb11-44aee233e4e7" // hybrid-flat-layout.txt
	rwLearnUser    = "john@contoso.com"
	rwPRTUser      = "user@contoso.com"
	rwBetaDiscover = "https://enrollment.manage-beta.microsoft.com/EnrollmentServer/Discovery.svc"
)

// dsregRealworld is one published sample: what its source says about the device, and the verdicts
// the device checks must give on it.
type dsregRealworld struct {
	file string
	// What the source itself says (see the sidecar): the join state (DsregJoinUnknown where it does
	// not say), the tenant id it names, the PRT ("YES", "NO", "" where it does not say) and the error
	// codes and messages it names.
	join   facts.DsregJoin
	tenant string
	prt    string
	errors []string
	// The run: the target user (alice@contoso.com when empty), the user's Entra devices, and the
	// tenant's MDM discovery URL when it is not the public default.
	user     string
	devices  []facts.EntraDevice
	discover string
	// The verdicts of dsregDeviceChecks, and what each result must say.
	want [6]Status
	has  map[string][]string
}

func dsregRealworldFacts(t *testing.T, rw dsregRealworld) *facts.Facts {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dsregRealworldDir, rw.file))
	if err != nil {
		t.Fatal(err)
	}
	d, err := dsregcmd.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", rw.file, err)
	}
	f := dsregFacts(t, "joined.txt")
	f.Dsregcmd = d
	f.Target.TenantID = dsregContoso
	if rw.tenant != "" {
		f.Target.TenantID = rw.tenant
	}
	if rw.user != "" {
		f.Target.User = rw.user
	}
	f.UserDevices = rw.devices
	if rw.discover != "" {
		f.MDMPolicy.DiscoveryURL = rw.discover
		f.MDMPolicy.TermsOfUseURL = strings.Replace(f.MDMPolicy.TermsOfUseURL, "manage.microsoft.com", "manage-beta.microsoft.com", 1)
		f.MDMPolicy.ComplianceURL = strings.Replace(f.MDMPolicy.ComplianceURL, "manage.microsoft.com", "manage-beta.microsoft.com", 1)
	}
	return f
}

func dsregRealworldRows() []dsregRealworld {
	const W, P, F, S = Warn, Pass, Fail, Skip
	all := func(s Status) [6]Status { return [6]Status{s, s, s, s, s, s} }
	prtFailed := []string{"0xc000006d", "invalid_grant", "AADSTS50126"}
	return []dsregRealworld{
		{file: "learn-device-state.txt", join: facts.DsregJoinHybrid, want: [6]Status{P, W, W, W, W, S},
			has: map[string][]string{"device.join-state": {"hybrid joined", "line 6: DomainJoined : YES"}}},
		{file: "skills-academy-device-state.txt", join: facts.DsregJoinHybrid, want: [6]Status{P, W, W, W, W, S},
			has: map[string][]string{"device.join-state": {"hybrid joined", "line 6: DomainJoined : YES"}}},
		{file: "learn-device-details.txt", want: [6]Status{W, W, W, W, W, P},
			has: map[string][]string{"device.auth-status": {"line 11: DeviceAuthStatus : SUCCESS"}, "device.prt": {"AzureAdJoined"}}},
		{file: "learn-tenant-details.txt", tenant: rwLearnTenant, discover: rwBetaDiscover, want: [6]Status{W, P, W, P, W, W},
			has: map[string][]string{"device.tenant": {"line 6: TenantId : " + rwLearnTenant}, "device.mdm-urls": {"line 10: MdmUrl : " + rwBetaDiscover}}},
		{file: "learn-user-state.txt", want: all(W), has: map[string][]string{"device.join-state": {"AzureAdJoined", "line 8: WorkplaceJoined : NO"}}},
		{file: "learn-sso-prt-failed.txt", tenant: rwLearnTenant, user: rwLearnUser, prt: "NO", errors: prtFailed,
			want: [6]Status{W, P, W, W, F, W},
			has: map[string][]string{
				"device.tenant": {"line 6: AzureAdPrtAuthority : https://login.microsoftonline.com/" + rwLearnTenant},
				"device.prt":    {"Attempt Status 0xc000006d", "AADSTS50126", "line 18: Server Error Description : AADSTS50126", "no AzureAdJoined line"}}},
		{file: "learn-sso-prt-failed-wrapped.txt", tenant: rwLearnTenant, user: rwLearnUser, prt: "NO", errors: prtFailed,
			want: [6]Status{W, P, W, W, F, W},
			has: map[string][]string{
				"device.tenant": {"lines 6-7: AzureAdPrtAuthority : https://login.microsoftonline.com/" + rwLearnTenant},
				"device.prt":    {"lines 20-21: Server Error Description : AADSTS50126: Error validating credentials due to invalid username or password."}}},
		{file: "prt-untitled-fragment.txt", tenant: rwPRTTenant, user: rwPRTUser, prt: "NO", errors: prtFailed,
			want: [6]Status{W, P, W, W, F, W},
			has:  map[string][]string{"device.prt": {"line 5: Attempt Status : 0xc000006d", "AADSTS50126"}}},
		{file: "prt-untitled-fragment-quoted.txt", tenant: rwPRTTenant, user: rwPRTUser, prt: "NO", errors: prtFailed,
			want: [6]Status{W, P, W, W, F, W},
			has:  map[string][]string{"device.prt": {"line 5: Attempt Status : 0xc000006d", "AADSTS50126"}}},
		{file: "hybrid-sso-prt-yes.txt", tenant: rwLearnTenant, prt: "YES", want: [6]Status{W, P, W, W, P, W},
			has: map[string][]string{"device.tenant": {"line 8: AzureAdPrtAuthority"}, "device.prt": {"line 5: AzureAdPrt : YES"}}},
		{file: "prt-sso-indented.txt", tenant: rwPRTTenant, prt: "YES", want: [6]Status{W, P, W, W, P, W},
			has: map[string][]string{"device.prt": {"line 5: AzureAdPrt : YES", "line 6: AzureAdPrtUpdateTime : 2020-07-12 22:57:53.000 UTC"}}},
		{file: "learn-diag-discover.txt", join: facts.DsregJoinDomain, errors: []string{"0x801c0021", "0x801c000c"},
			want: [6]Status{W, S, S, S, S, S},
			has: map[string][]string{"device.join-state": {"pre-join diagnostics", "line 10: DRS Discovery Test : FAIL [0x801c0021/0x801c000c]",
				"line 16: Error Phase : discover", "line 6: User Context : SYSTEM", "SSO State"}}},
		{file: "learn-diag-discover-markdown.txt", join: facts.DsregJoinDomain, errors: []string{"0x801c0021", "0x801c000c"},
			want: [6]Status{W, S, S, S, S, S},
			has:  map[string][]string{"device.join-state": {"line 3: DRS Discovery Test : FAIL [0x801c0021/0x801c000c]", "line 5: Error Phase : discover"}}},
		{file: "hybrid-drs-discovery-unelevated.txt", join: facts.DsregJoinDomain, errors: []string{"0x801c0021", "0x80072ee2"},
			want: [6]Status{W, S, S, S, S, S},
			has:  map[string][]string{"device.join-state": {"line 10: DRS Discovery Test : FAIL [0x801c0021/0x80072ee2]", "network timeout", "UN-ELEVATED User"}}},
		{file: "learn-diag-sync-join.txt", join: facts.DsregJoinDomain, errors: []string{"0x801c03f2", "DirectoryError", "isn't found"},
			want: [6]Status{W, S, S, S, S, S},
			has:  map[string][]string{"device.join-state": {"join phase", "Entra Connect has synchronised", "line 17: Error Phase : join"}}},
		{file: "hybrid-previous-registration.txt", join: facts.DsregJoinDomain, errors: []string{"0x801c03f2", "DirectoryError", "is not found"},
			want: [6]Status{W, S, S, S, S, S},
			has:  map[string][]string{"device.join-state": {"join phase", "Entra Connect has synchronised", "line 4: Error Phase : join"}}},
		{file: "learn-diag-postjoin.txt", want: all(W)},
		{file: "hybrid-flat-layout.txt", join: facts.DsregJoinHybrid, tenant: rwLearnTenant, prt: "YES", discover: rwBetaDiscover,
			devices: []facts.EntraDevice{dsregEntra(rwFlatDevice, dsregTrustHybrid, true)},
			want:    [6]Status{P, P, P, P, P, S},
			has: map[string][]string{"device.join-state": {"line 5: AzureAdJoined: YES", "line 28: DomainJoined: YES"},
				"device.tenant": {"line 14: TenantId: " + rwLearnTenant}, "device.prt": {"line 42: AzureAdPrt: YES"}}},
		{file: "entra-joined-empty-mdm.txt", join: facts.DsregJoinEntra, tenant: rwLabTenant, prt: "YES", user: rwLabUser,
			devices: []facts.EntraDevice{dsregEntra(rwLabDevice, dsregTrustJoined, false)},
			want:    [6]Status{P, P, W, F, P, P},
			has: map[string][]string{"device.mdm-urls": {"MdmUrl is empty", "line 28: MdmUrl :"}, "device.record": {"not managed"},
				"device.prt": {`line 67: Executing Account Name : DOMAIN1\user1, ` + rwLabUser}}},
		// The author elided the tenant and device ids ("72f9...db47"): an elided id is no id, so the tenant
		// cannot be confirmed and no record looked up, whatever tenant the run is about. The author also
		// altered the MDM host (mothership.com), so the URL is not the tenant's.
		{file: "domain-registered-1709.txt", join: facts.DsregJoinDomain, prt: "NO",
			want: [6]Status{W, W, S, F, S, S},
			has: map[string][]string{"device.join-state": {"registered (WorkplaceJoined YES) instead", "line 35: DomainJoined : YES", "line 43: WorkplaceJoined : YES"},
				"device.tenant": {"usable WorkplaceTenantId", "elided"}, "device.mdm-urls": {"line 49: WorkplaceMdmUrl : https://enrollment.manage-beta.mothership.com"}}},
		{file: "rcmlab-adconfig-fail.txt", join: facts.DsregJoinDomain, errors: []string{"0x80070002", "0x801c001d"},
			want: [6]Status{W, S, S, S, S, S},
			has: map[string][]string{"device.join-state": {"AD Configuration Test FAIL [0x80070002]", "line 42: AD Configuration Test : FAIL [0x80070002]",
				"line 41: AD Connectivity Test : PASS", "line 50: Client ErrorCode : 0x801c001d", "Service Connection Point",
				`the computer account DOMAIN1\HOST1$`, "not the user's"}}},
	}
}

// Every published output gets the verdicts an expert reads from it, and its source's own diagnosis
// (join state, tenant, PRT, error codes) is what the checks find and quote.
func TestDsregRealworld(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(dsregRealworldDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	rows := dsregRealworldRows()
	if len(rows) != len(files) {
		t.Errorf("%d samples, %d rows: every sample needs a row", len(files), len(rows))
	}
	for _, rw := range rows {
		t.Run(rw.file, func(t *testing.T) {
			f := dsregRealworldFacts(t, rw)
			if got := f.Dsregcmd.Join(); got != rw.join {
				t.Errorf("join state %q, the source says %q", got, rw.join)
			}
			var all []string
			for i, id := range dsregDeviceChecks {
				r := judgeOne(t, id, f)
				text := strings.Join([]string{r.Summary, r.Explanation, r.Remediation, fmt.Sprint(r.Evidence)}, "\n")
				all = append(all, text)
				if r.Status != rw.want[i] {
					t.Errorf("%s = %v, want %v: %s", id, r.Status, rw.want[i], r.Summary)
				}
				if (r.Status == Warn || r.Status == Fail) && (r.Explanation == "" || r.Remediation == "") {
					t.Errorf("%s: a %v without explanation or remediation", id, r.Status)
				}
				for _, s := range rw.has[id] {
					if !strings.Contains(text, s) {
						t.Errorf("%s does not mention %q:\n%s", id, s, text)
					}
				}
				switch {
				case id == "device.tenant" && rw.tenant != "" && r.Status != Pass:
					t.Errorf("the source names tenant %s; device.tenant = %v", rw.tenant, r.Status)
				case id == "device.prt" && rw.prt == "NO" && r.Status == Pass, id == "device.prt" && rw.prt == "YES" && r.Status != Pass:
					t.Errorf("the source says AzureAdPrt %s; device.prt = %v", rw.prt, r.Status)
				}
				dsregCheckQuotes(t, rw.file, id, r)
			}
			for _, code := range rw.errors {
				if !strings.Contains(strings.Join(all, "\n"), code) {
					t.Errorf("no device check quotes %q, which the source names", code)
				}
			}
		})
	}
}

var dsregQuoteLines = regexp.MustCompile(`^lines? (\d+)(?:-(\d+))?: (.*)$`)

// dsregCheckQuotes checks that every line a result quotes from the paste is there, as the paste has it
// (runs of spaces made one; a wrapped value's lines joined where the console broke them).
func dsregCheckQuotes(t *testing.T, file, id string, r Result) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dsregRealworldDir, file))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	for _, e := range r.Evidence {
		if e.Source != dsregSource {
			continue
		}
		m := dsregQuoteLines.FindStringSubmatch(e.Detail)
		if m == nil {
			t.Errorf("%s: evidence %q names no line", id, e.Detail)
			continue
		}
		first, _ := strconv.Atoi(m[1])
		last := first
		if m[2] != "" {
			last, _ = strconv.Atoi(m[2])
		}
		var parts []string
		for _, l := range lines[first-1 : last] {
			parts = append(parts, strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "> ")))
		}
		src := strings.Join(strings.Fields(strings.Join(parts, "")), " ")
		if first == last {
			src = strings.Join(strings.Fields(parts[0]), " ")
		}
		if !strings.Contains(src, m[3]) {
			t.Errorf("%s quotes line %s as %q; the paste has %q", id, m[1], m[3], src)
		}
	}
}

// Issue 13 item 9: each wrong verdict on a published output, as it was before the fix.
func TestDsregIssue13Item9(t *testing.T) {
	row := func(file string) dsregRealworld {
		for _, rw := range dsregRealworldRows() {
			if rw.file == file {
				return rw
			}
		}
		t.Fatalf("no row for %s", file)
		return dsregRealworld{}
	}
	tests := []struct {
		name, file, check string
		edit              func(*facts.Facts)
		want              Status
		has               []string
	}{
		// A Diagnostic Data-only paste was rejected as "not dsregcmd": every device check was an error.
		{"diagnostic data only", "learn-diag-discover.txt", "device.join-state", nil, Warn, []string{"DRS Discovery Test : FAIL"}},
		// A missing AzureAdJoined line was read as NO: the PRT failure was skipped as "not joined".
		{"no AzureAdJoined line, PRT", "learn-sso-prt-failed.txt", "device.prt", nil, Fail, []string{"AzureAdPrt : NO"}},
		{"no AzureAdJoined line, DeviceAuthStatus", "learn-device-details.txt", "device.auth-status", nil, Pass, []string{"SUCCESS"}},
		{"no AzureAdJoined line, WorkplaceJoined NO", "learn-user-state.txt", "device.join-state", nil, Warn, []string{"no usable AzureAdJoined line"}},
		// The failing AD Configuration Test and AD Connectivity Test lines were not quoted.
		{"AD configuration test", "rcmlab-adconfig-fail.txt", "device.join-state", nil, Warn,
			[]string{"AD Configuration Test : FAIL [0x80070002]", "AD Connectivity Test : PASS"}},
		// In a fragment, the PRT failure's AADSTS code and attempt status were not quoted.
		{"AADSTS in a fragment", "prt-untitled-fragment.txt", "device.prt", nil, Fail, []string{"AADSTS50126", "Attempt Status 0xc000006d"}},
		// A paste taken as SYSTEM, in a local account or in another user's session was not recognised.
		{"another user's session", "entra-joined-empty-mdm.txt", "device.prt",
			func(f *facts.Facts) { f.Target.User = "alice@contoso.com" }, Warn, []string{"another user's session (" + rwLabUser + ")"}},
		{"local account", "entra-joined-empty-mdm.txt", "device.prt",
			func(f *facts.Facts) { dsregSetValue(t, f, "Executing Account Name", `DESKTOP-0000001\bob, bob`) }, Warn, []string{`the local account DESKTOP-0000001\bob`}},
		{"SYSTEM", "entra-joined-empty-mdm.txt", "device.prt",
			func(f *facts.Facts) {
				dsregSetValue(t, f, "Executing Account Name", `DOMAIN1\DESKTOP-0000001$, DESKTOP-0000001$@domain1.local`)
			}, Warn, []string{"computer account"}},
		{"another user's failed attempt", "prt-untitled-fragment.txt", "device.prt",
			func(f *facts.Facts) { f.Target.User = "alice@contoso.com" }, Warn, []string{"another user's (User Identity " + rwPRTUser + ")"}},
		{"not joined, taken as SYSTEM", "entra-joined-empty-mdm.txt", "device.join-state", func(f *facts.Facts) {
			dsregSetValue(t, f, "AzureAdJoined", "NO")
			dsregSetValue(t, f, "Executing Account Name", `DOMAIN1\DESKTOP-0000001$, DESKTOP-0000001$@domain1.local`)
		}, Warn, []string{"cannot say whether the user registered it"}},
		// A tenant id printed only in AzureAdPrtAuthority was ignored.
		{"tenant from AzureAdPrtAuthority", "hybrid-sso-prt-yes.txt", "device.tenant", nil, Pass, []string{"AzureAdPrtAuthority"}},
		{"tenant from AzureAdPrtAuthority, another tenant", "hybrid-sso-prt-yes.txt", "device.tenant",
			func(f *facts.Facts) { f.Target.TenantID = dsregContoso }, Fail, []string{rwLearnTenant, dsregContoso}},
		// An id elided by its publisher ("72f9...db47") read as another tenant's.
		{"elided tenant id", "domain-registered-1709.txt", "device.tenant",
			func(f *facts.Facts) { f.Target.TenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47" }, Warn, []string{"no usable WorkplaceTenantId line"}},
		// A console-wrapped line became a key of its own, and its value was cut.
		{"console-wrapped line", "learn-sso-prt-failed-wrapped.txt", "device.prt", nil, Fail,
			[]string{"due to invalid username or password."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := dsregRealworldFacts(t, row(tt.file))
			if tt.edit != nil {
				tt.edit(f)
			}
			r := judgeOne(t, tt.check, f)
			if r.Status != tt.want {
				t.Fatalf("%s = %v, want %v: %s", tt.check, r.Status, tt.want, r.Summary)
			}
			text := strings.Join([]string{r.Summary, r.Explanation, fmt.Sprint(r.Evidence)}, "\n")
			for _, s := range tt.has {
				if !strings.Contains(text, s) {
					t.Errorf("%s does not mention %q:\n%s", tt.check, s, text)
				}
			}
		})
	}
}

// dsregSetValue changes the value of a key of the parsed paste, for the sessions no sample shows.
func dsregSetValue(t *testing.T, f *facts.Facts, key, value string) {
	t.Helper()
	for i := range f.Dsregcmd.Sections {
		for j := range f.Dsregcmd.Sections[i].Fields {
			fl := &f.Dsregcmd.Sections[i].Fields[j]
			if fl.Key == key {
				fl.Value, fl.Raw = value, key+" : "+value
				return
			}
		}
	}
	t.Fatalf("no %s line", key)
}

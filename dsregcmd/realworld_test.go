package dsregcmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// realworld holds dsregcmd /status outputs published by others, each with a .source sidecar.
const realworld = "../testdata/realworld/dsregcmd"

func parseRealworld(t testing.TB, name string) *facts.Dsregcmd {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(realworld, name))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// Every published output parses into the sections and fields it shows, whatever damage the paste took.
func TestParseRealworld(t *testing.T) {
	tests := []struct {
		file     string
		sections []string
		fields   []want
		join     facts.DsregJoin
	}{
		{file: "learn-device-state.txt", sections: []string{"Device State"}, join: facts.DsregJoinHybrid,
			fields: []want{{"Device State", "DomainName", "HYBRIDADFS", 7}}},
		{file: "learn-device-details.txt", sections: []string{"Device Details"},
			fields: []want{{"Device Details", "DeviceAuthStatus", "SUCCESS", 11}}},
		{file: "learn-tenant-details.txt", sections: []string{"Tenant Details"},
			fields: []want{{"Tenant Details", "TenantId", "aaaabbbb-0000-cccc-1111-dddd2222eeee", 6}}},
		{file: "learn-user-state.txt", sections: []string{"User State"},
			fields: []want{{"User State", "WorkplaceJoined", "NO", 8}}},
		{file: "learn-sso-prt-failed.txt", sections: []string{"SSO State"},
			fields: []want{{"SSO State", "Server Error Description", "AADSTS50126: Error validating credentials due to invalid username or password.", 18}}},
		{file: "learn-diag-discover.txt", sections: []string{"Diagnostic Data"}, join: facts.DsregJoinDomain,
			fields: []want{{"Diagnostic Data", "User Context", "SYSTEM", 6}, {"Diagnostic Data", "DRS Discovery Test", "FAIL [0x801c0021/0x801c000c]", 10}}},
		{file: "learn-diag-sync-join.txt", sections: []string{"Diagnostic Data"}, join: facts.DsregJoinDomain,
			fields: []want{{"Diagnostic Data", "Server ErrorCode", "DirectoryError", 19}}},
		{file: "learn-diag-postjoin.txt", sections: []string{"Diagnostic Data"},
			fields: []want{{"Diagnostic Data", "AadRecoveryEnabled", "NO", 5}, {"Diagnostic Data", "KeySignTest", "PASSED", 6}}},
		{file: "hybrid-flat-layout.txt", sections: []string{"Device State", "User State"}, join: facts.DsregJoinHybrid,
			fields: []want{{"Device State", "AzureAdJoined", "YES", 5}, {"Device State", "KeySignTest", ": MUST Run elevated to test.", 12},
				{"Device State", "TenantId", "aaaabbbb-0000-cccc-1111-dddd2222eeee", 14}, {"User State", "WamDefaultAuthority", "organizations", 39},
				{"User State", "AzureAdPrt", "YES", 42}}},
		{file: "hybrid-previous-registration.txt", sections: []string{""}, join: facts.DsregJoinDomain,
			fields: []want{{"", "Error Phase", "join", 4}}},
		{file: "hybrid-drs-discovery-unelevated.txt", sections: []string{"Diagnostic Data"}, join: facts.DsregJoinDomain,
			fields: []want{{"Diagnostic Data", "User Context", "UN-ELEVATED User", 6}}},
		{file: "hybrid-sso-prt-yes.txt", sections: []string{"SSO State"},
			fields: []want{{"SSO State", "AzureAdPrt", "YES", 5}}},
		{file: "prt-untitled-fragment.txt", sections: []string{""},
			fields: []want{{"", "Attempt Status", "0xc000006d", 5}}},
		{file: "prt-untitled-fragment-quoted.txt", sections: []string{""},
			fields: []want{{"", "AzureAdPrt", "NO", 1}, {"", "Server Error Code", "invalid_grant", 13}}},
		{file: "prt-sso-indented.txt", sections: []string{"SSO State"},
			fields: []want{{"SSO State", "AzureAdPrtUpdateTime", "2020-07-12 22:57:53.000 UTC", 6}}},
		{file: "entra-joined-empty-mdm.txt", join: facts.DsregJoinEntra,
			sections: []string{"Device State", "Device Details", "Tenant Details", "User State", "SSO State", "Diagnostic Data",
				"IE Proxy Config for Current User", "WinHttp Default Proxy Config", "Ngc Prerequisite Check"},
			fields: []want{{"Tenant Details", "MdmUrl", "", 28}, {"Tenant Details", "DeviceManagementSrvVersion", "1.0", 0},
				{"SSO State", "AzureAdPrtAuthority", "https://login.microsoftonline.com/10000000-0000-4000-8000-000000000001", 0}}},
		{file: "rcmlab-adconfig-fail.txt", join: facts.DsregJoinDomain,
			sections: []string{"Device State", "User State", "SSO State", "Diagnostic Data", "IE Proxy Config for System Account",
				"URL Specific Proxy Config", "IE Proxy Config for Current User", "WinHttp Default Proxy Config", "Ngc Prerequisite Check"},
			fields: []want{{"Diagnostic Data", "AD Configuration Test", "FAIL [0x80070002]", 42},
				{"URL Specific Proxy Config", "Auto Detect PAC Status", "Failed to auto detect the Proxy Auto-Configuration (PAC) script using WPAD. code: 0x80072f94", 65},
				{"URL Specific Proxy Config", "Executing Account Name", `DOMAIN1\HOST1$, HOST1$@domain1.local`, 68}}},
		{file: "domain-registered-1709.txt", sections: []string{"Device State", "User State", "Ngc Prerequisite Check"}, join: facts.DsregJoinDomain,
			fields: []want{{"Device State", "KeySignTest", ": PASSED", 14}, {"Device State", "DomainJoined", "YES", 35},
				{"User State", "WorkplaceTenantId", "72f9...db47", 47}, {"Ngc Prerequisite Check", "PreReqResult", "WillNotProvision", 71}}},
		{file: "skills-academy-device-state.txt", sections: []string{"Device State"}, join: facts.DsregJoinHybrid,
			fields: []want{{"Device State", "DomainJoined", "YES", 6}}},
		{file: "learn-sso-prt-failed-wrapped.txt", sections: []string{"SSO State"},
			fields: []want{{"SSO State", "AzureAdPrtAuthority", "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee", 6},
				{"SSO State", "Server Error Description", "AADSTS50126: Error validating credentials due to invalid username or password.", 20},
				{"SSO State", "KerbTopLevelNames", ".windows.net,.windows.net:1433,.windows.net:3342,.azure.net,.azure.net:1433,.azure.net:3342", 28},
				{"SSO State", "EnterprisePrt", "YES", 22}}},
		{file: "learn-diag-discover-markdown.txt", sections: []string{"Diagnostic Data"}, join: facts.DsregJoinDomain,
			fields: []want{{"Diagnostic Data", "User Context", "SYSTEM", 3}, {"Diagnostic Data", "DRS Discovery Test", "FAIL [0x801c0021/0x801c000c]", 3},
				{"Diagnostic Data", "Fallback to Sync-Join", "ENABLED", 3}, {"Diagnostic Data", "Client ErrorCode", "0x801c0021", 5}}},
	}
	files, err := filepath.Glob(filepath.Join(realworld, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("%d files in %s, %d in this table: every sample needs a row", len(files), realworld, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := parseRealworld(t, tt.file)
			assertParsed(t, d, tt.sections, tt.fields)
			if got := d.Join(); got != tt.join {
				t.Errorf("Join() = %q, want %q", got, tt.join)
			}
		})
	}
}

// Every field's Raw is what its lines say, so that evidence quotes the paste as it stands.
func TestParseRealworldRawQuotesTheLines(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(realworld, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := splitLines(decode(b))
		d := parseRealworld(t, filepath.Base(file))
		for _, s := range d.Sections {
			for _, f := range s.Fields {
				last := max(f.Line, f.Last)
				var src []string
				for _, l := range lines[f.Line-1 : last] {
					src = append(src, strings.Fields(unquote(l))...)
				}
				joined := strings.Join(src, " ")
				if f.Last > 0 {
					// A wrapped line goes on without a space where the console broke it.
					joined = strings.Join(strings.Fields(strings.Join(trimAll(lines[f.Line-1:last]), "")), " ")
				}
				if !strings.Contains(joined, f.Raw) || !strings.Contains(f.Raw, f.Key) {
					t.Errorf("%s line %d: Raw %q is not in %q", filepath.Base(file), f.Line, f.Raw, joined)
				}
			}
		}
	}
}

func trimAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimSpace(unquote(l))
	}
	return out
}

// Regressions of issue 13 item 9, each failing before its fix.
func TestParseRealworldRegressions(t *testing.T) {
	// A Diagnostic Data-only paste, and its lines without the title, were rejected as "not dsregcmd".
	for _, name := range []string{"learn-diag-discover.txt", "hybrid-previous-registration.txt", "hybrid-drs-discovery-unelevated.txt"} {
		parseRealworld(t, name)
	}
	// A console-wrapped line became a key of its own ("sing WPAD. code").
	for _, name := range []string{"rcmlab-adconfig-fail.txt", "learn-sso-prt-failed-wrapped.txt"} {
		for _, s := range parseRealworld(t, name).Sections {
			for _, f := range s.Fields {
				if !dsregKey(f.Key) {
					t.Errorf("%s: %q is not a dsregcmd key (a wrapped line's rest?)", name, f.Key)
				}
			}
		}
	}
}

// Every sample names its source; the derived ones say how they were made.
func TestRealworldSidecars(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(realworld, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 15 {
		t.Fatalf("%d samples, want at least 15", len(files))
	}
	for _, file := range files {
		b, err := os.ReadFile(strings.TrimSuffix(file, ".txt") + ".source")
		if err != nil {
			t.Errorf("%s has no sidecar: %v", filepath.Base(file), err)
			continue
		}
		side := string(b)
		for _, field := range []string{"\nsource: ", "\ncategory: ", "\nthe source says: "} {
			if !strings.Contains("\n"+side, field) {
				t.Errorf("%s: sidecar has no %q line", filepath.Base(file), strings.TrimSpace(field))
			}
		}
		if strings.Contains(side, "derived from: ") && !strings.Contains(side, "\nhow: ") {
			t.Errorf("%s: a derived sample must say how it was derived", filepath.Base(file))
		}
	}
}

// BenchmarkParseFlattened parses the costliest shape of the largest input: one line of fields, which
// is cut before every documented key.
func BenchmarkParseFlattened(b *testing.B) {
	in := []byte(strings.Repeat("AzureAdPrt : NO Attempt Status : 0xc000006d ", MaxSize/45))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

// A web page that lost an output's line breaks shows it as one line ("+---+ | SSO State | +---+
// AzureAdPrt : YES AzureAdPrtUpdateTime : ..."; Microsoft Learn's he-il copy of the PRT article does):
// flattening a published sample keeps its sections and fields.
func TestParseRealworldFlattened(t *testing.T) {
	for _, name := range []string{"prt-sso-indented.txt", "learn-sso-prt-failed.txt", "learn-device-state.txt",
		"learn-tenant-details.txt", "hybrid-drs-discovery-unelevated.txt", "learn-diag-sync-join.txt"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(realworld, name))
			if err != nil {
				t.Fatal(err)
			}
			want := parseRealworld(t, name)
			flat, err := Parse(strings.NewReader(strings.Join(strings.Fields(string(b)), " ")))
			if err != nil {
				t.Fatal(err)
			}
			if !sameContent(want, flat) {
				t.Errorf("flattened:\n%+v\nwant:\n%+v", flat.Sections, want.Sections)
			}
		})
	}
}

package dsregcmd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

const fixtures = "../testdata/dsregcmd"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFixture(t testing.TB, name string) *facts.Dsregcmd {
	t.Helper()
	d, err := Parse(bytes.NewReader(readFixture(t, name)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// want is one field expected in a section, with its line in the fixture.
type want struct {
	section, key, value string
	line                int
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file     string
		sections []string
		fields   []want
	}{
		{
			file: "joined.txt",
			sections: []string{"Device State", "Device Details", "Tenant Details", "User State", "SSO State",
				"Diagnostic Data", "Ngc Prerequisite Check", "IE Proxy Config for Current User", "WinHttp Default Proxy Config"},
			fields: []want{
				{"Device State", "AzureAdJoined", "YES", 6},
				{"Device State", "Device Name", "CONTOSO-PC01", 10},
				{"Device Details", "DeviceId", "6a2f3c1e-4b5d-4e7f-9a1b-2c3d4e5f6a71", 16},
				{"Device Details", "DeviceCertificateValidity", "[ 2025-03-04 09:12:40.000 UTC -- 2035-03-04 09:42:40.000 UTC ]", 18},
				{"Tenant Details", "TenantId", "11111111-1111-4111-8111-111111111111", 29},
				{"Tenant Details", "MdmUrl", "https://enrollment.manage.microsoft.com/EnrollmentServer/Discovery.svc", 32},
				{"Tenant Details", "SettingsUrl", "", 35},
				{"SSO State", "AzureAdPrtUpdateTime", "2026-11-24 08:02:11.000 UTC", 65},
				{"SSO State", "KerbTopLevelNames", ".windows.net,.windows.net:1433,.windows.net:3342,.azure.net,.azure.net:1433,.azure.net:3342", 72},
				{"Diagnostic Data", "Executing Account Name", `AzureAD\Alice, alice@contoso.com`, 79},
				{"IE Proxy Config for Current User", "Auto-detected PAC Url", "", 0},
				{"WinHttp Default Proxy Config", "Access Type", "DIRECT", 0},
			},
		},
		{
			file:     "hybrid.txt", // UTF-8 byte-order mark and CRLF
			sections: []string{"Device State", "Device Details", "Tenant Details", "User State", "SSO State", "Diagnostic Data"},
			fields: []want{
				{"Device State", "AzureAdJoined", "YES", 6},
				{"Device State", "DomainJoined", "YES", 8},
				{"Device State", "DomainName", "CONTOSO", 9},
			},
		},
		{
			file:     "registered-utf16.txt", // what Windows PowerShell 5.1 writes for `dsregcmd /status > file`
			sections: []string{"Device State", "User State", "SSO State", "Work Account 1"},
			fields: []want{
				{"User State", "WorkplaceJoined", "YES", 17},
				{"Work Account 1", "WorkplaceDeviceId", "8b7c6d5e-4f3a-4b2c-9d1e-0f9a8b7c6d52", 0},
				{"Work Account 1", "WorkplaceSettingsUrl", "", 0},
			},
		},
		{
			file:     "legacy-registered.txt",
			sections: []string{"Device State", "User State"},
			fields: []want{
				{"User State", "WorkplaceDeviceId", "9f0a1b2c-3d4e-4f5a-8b6c-8d9e0f1a2b3c", 15},
				{"User State", "AzureAdPrtAuthority", "", 27},
			},
		},
		{
			file:     "prompt-and-tabs.txt",
			sections: []string{"Device State", "Device Details", "Tenant Details", "SSO State", "Diagnostic Data"},
			fields: []want{
				{"Device State", "AzureAdJoined", "YES", 10},
				{"Tenant Details", "MdmComplianceUrl", "https://portal.manage.microsoft.com/?portalAction=Compliance", 0},
				{"Diagnostic Data", "AadRecoveryEnabled", "NO", 0},
			},
		},
		{
			file:     "hybrid-not-joined.txt",
			sections: []string{"Device State", "User State", "SSO State", "Diagnostic Data"},
			fields: []want{
				{"Diagnostic Data", "DRS Discovery Test", "FAIL [0x801c0021/0x801c000c]", 0},
				{"Diagnostic Data", "Fallback to Sync-Join", "ENABLED", 0},
				{"Diagnostic Data", "Client ErrorCode", "0x801c0021", 0},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			assertParsed(t, parseFixture(t, tt.file), tt.sections, tt.fields)
		})
	}
}

// assertParsed holds a parse to the sections it must find, in order, and the fields it must read (a want's
// line is checked when it is not 0).
func assertParsed(t *testing.T, d *facts.Dsregcmd, sections []string, fields []want) {
	t.Helper()
	var names []string
	for _, s := range d.Sections {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, sections) {
		t.Errorf("sections = %q, want %q", names, sections)
	}
	for _, w := range fields {
		f, ok := sectionField(d, w.section, w.key)
		if !ok {
			t.Errorf("%s / %s: missing", w.section, w.key)
			continue
		}
		if f.Value != w.value || w.line != 0 && f.Line != w.line {
			t.Errorf("%s / %s = %q on line %d, want %q on line %d", w.section, w.key, f.Value, f.Line, w.value, w.line)
		}
	}
}

func sectionField(d *facts.Dsregcmd, section, key string) (facts.DsregField, bool) {
	for _, s := range d.Sections {
		if s.Name != section {
			continue
		}
		for _, f := range s.Fields {
			if f.Key == key {
				return f, true
			}
		}
	}
	return facts.DsregField{}, false
}

// The fields' lines must be the lines of the file, so that evidence quotes what the operator sees.
func TestParseLinesQuoteTheInput(t *testing.T) {
	for _, name := range []string{"joined.txt", "hybrid.txt", "demo-carol-duplicate.txt", "prompt-and-tabs.txt"} {
		t.Run(name, func(t *testing.T) {
			lines := strings.Split(string(readFixture(t, name)), "\n")
			d := parseFixture(t, name)
			n := 0
			for _, s := range d.Sections {
				for _, f := range s.Fields {
					n++
					src := lines[f.Line-1]
					if !strings.Contains(src, f.Key) || !strings.Contains(src, f.Value) {
						t.Errorf("line %d %q does not hold %s : %s", f.Line, src, f.Key, f.Value)
					}
				}
			}
			if n == 0 {
				t.Fatal("no fields parsed")
			}
		})
	}
}

func TestParseRejectsPromptsAndProse(t *testing.T) {
	d := parseFixture(t, "prompt-and-tabs.txt")
	for _, s := range d.Sections {
		for _, f := range s.Fields {
			if f.Key == "C" || strings.HasPrefix(f.Key, "For more information") || strings.Contains(f.Value, "dsregcmd /status") {
				t.Errorf("kept a non-field line as %q : %q", f.Key, f.Value)
			}
		}
	}
}

func TestParseUntitledFields(t *testing.T) {
	d, err := Parse(strings.NewReader("AzureAdJoined : YES\nDomainJoined : NO\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sections) != 1 || d.Sections[0].Name != "" || len(d.Sections[0].Fields) != 2 {
		t.Fatalf("got %+v, want one untitled section with two fields", d.Sections)
	}
	if f, _ := d.Field("domainjoined"); f.Value != "NO" || f.Line != 2 {
		t.Errorf("DomainJoined = %+v", f)
	}
}

func TestParseStripsControlCharacters(t *testing.T) {
	d, err := Parse(strings.NewReader("| Device \x1b[31mState |\nAzureAdJoined : YES\x1b]0;owned\x07\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range d.Sections {
		for _, f := range s.Fields {
			if strings.ContainsRune(s.Name+f.Key+f.Value, 0x1b) || strings.ContainsRune(f.Value, 0x07) {
				t.Errorf("control character kept: %q %q %q", s.Name, f.Key, f.Value)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		want  error
	}{
		{"empty", nil, ErrNotDsregcmd},
		{"blank", []byte(" \r\n\t\n"), ErrNotDsregcmd},
		{"ipconfig", readFixture(t, "not-dsregcmd.txt"), ErrNotDsregcmd},
		{"rules only", []byte("+-----+\n| Device State |\n+-----+\n"), ErrNotDsregcmd},
		{"too large", append(readFixture(t, "joined.txt"), bytes.Repeat([]byte(" "), MaxSize)...), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(bytes.NewReader(tt.input))
			if !errors.Is(err, tt.want) || d != nil {
				t.Fatalf("Parse = %v, %v; want nil, %v", d, err, tt.want)
			}
		})
	}
}

func TestParseAcceptsExactlyMaxSize(t *testing.T) {
	b := readFixture(t, "joined.txt")
	b = append(b, bytes.Repeat([]byte("\n"), MaxSize-len(b))...)
	if _, err := Parse(bytes.NewReader(b)); err != nil {
		t.Fatalf("input of exactly MaxSize: %v", err)
	}
}

// Errors go into source statuses and possibly logs: they must never quote the paste.
func TestParseErrorsDoNotQuoteInput(t *testing.T) {
	secret := "Device Name : SECRET-HOST-4711\nUser : bob@contoso.com\n"
	_, err := Parse(strings.NewReader(secret))
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "bob@") {
		t.Errorf("error quotes the input: %v", err)
	}
}

func TestParseUTF16BigEndianAndNoBOM(t *testing.T) {
	text := "AzureAdJoined : YES\r\nDeviceId : abc\r\n"
	le := make([]byte, 0, 2*len(text))
	be := []byte{0xFE, 0xFF}
	for _, c := range []byte(text) {
		le = append(le, c, 0)
		be = append(be, 0, c)
	}
	for name, b := range map[string][]byte{"le without BOM": le, "be with BOM": be} {
		d, err := Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := d.Value("DeviceId"); got != "abc" {
			t.Errorf("%s: DeviceId = %q", name, got)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	in := readFixture(b, "demo-carol-duplicate.txt")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

// A lone CR ends a line as it does in editors, so line numbers match what the operator sees.
func TestParseLoneCR(t *testing.T) {
	d, err := Parse(strings.NewReader("| Device State |\rAzureAdJoined : YES\r\r\nDomainJoined : NO"))
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := d.Field("AzureAdJoined"); f.Line != 2 || f.Value != "YES" {
		t.Errorf("AzureAdJoined = %+v, want YES on line 2", f)
	}
	if f, _ := d.Field("DomainJoined"); f.Line != 4 {
		t.Errorf("DomainJoined on line %d, want 4", f.Line)
	}
}

// BenchmarkParseMaxSize parses the largest input accepted: the fixture's lines repeated up to MaxSize.
func BenchmarkParseMaxSize(b *testing.B) {
	one := readFixture(b, "joined.txt")
	in := bytes.Repeat(one, MaxSize/len(one))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

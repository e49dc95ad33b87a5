package errcodes

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestEmbeddedCatalogIsValid(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Entries()); n < 40 {
		t.Fatalf("%d entries, want the issue's codes, events and messages", n)
	}
}

// The codes, events and messages the issue names must all be present.
func TestCatalogCoversTheDocumentedCodes(t *testing.T) {
	c := Default()
	for _, code := range []uint32{0x8007064c, 0x8018000a, 0x80180026, 0x80cf4017, 0x80180014, 0x801c0003, 0x80180003,
		0x8018002b, 0x80180022, 0x801c03ea, 0x800705b4, 0x80070774, 0x801c0021, 0x801c000c, 0x801c03f2, 0x801c001d} {
		if _, ok := c.Code(code); !ok {
			t.Errorf("%s is missing", FormatCode(code))
		}
	}
	events := map[string]bool{}
	for _, e := range c.Entries() {
		if e.Event != nil {
			events[e.Key()] = true
		}
	}
	for _, k := range []string{
		"Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider/Admin event 75",
		"Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider/Admin event 76",
		"Microsoft-Windows-TaskScheduler/Operational event 107",
		"Microsoft-Windows-TaskScheduler/Operational event 102",
		"Microsoft-Windows-TaskScheduler/Operational event 7016",
	} {
		if !events[k] {
			t.Errorf("%s is missing", k)
		}
	}
	for _, text := range []string{"This account is not allowed on this phone.", "Looks like the MDM Terms of Use endpoint is not correctly configured."} {
		if f := c.Find(text); len(f.Matches) == 0 || f.Matches[0].Entry.Kind() != KindMessage {
			t.Errorf("%q: no message entry found", text)
		}
	}
}

// Where a symbol says "Win32 error N", N must be the code's low 16 bits and the facility Win32 (7).
func TestWin32NumbersMatchTheirCodes(t *testing.T) {
	for _, e := range Default().Entries() {
		i := strings.Index(e.Symbol, "Win32 error ")
		if i < 0 {
			continue
		}
		var n uint32
		if _, err := fmt.Sscan(e.Symbol[i+len("Win32 error "):], &n); err != nil {
			t.Fatalf("%s: %v", e.Code, err)
		}
		v, _ := e.Value()
		if v>>16&0x1fff != 7 || v&0xffff != n {
			t.Errorf("%s: symbol %q does not match the code", e.Code, e.Symbol)
		}
	}
}

// The validation refuses each kind of defect a reviewer could miss.
func TestValidationRefusesDefects(t *testing.T) {
	good := `{"code":"0x80180014","symbol":"S","title":"T","meaning":"M","source":"https://learn.microsoft.com/a","causes":[{"cause":"C","source":"https://learn.microsoft.com/a","check":"x.y"}]}`
	if _, err := parse([]byte(`{"schema":"mdmdoctor.errcodes/v1","entries":[` + good + `]}`)); err != nil {
		t.Fatalf("a good entry was refused: %v", err)
	}
	for name, entry := range map[string]string{
		"upper-case code":   strings.Replace(good, "0x80180014", "0x8018001A", 1),
		"short code":        strings.Replace(good, "0x80180014", "0x8018014", 1),
		"no symbol":         strings.Replace(good, `"symbol":"S",`, "", 1),
		"no source":         strings.Replace(good, `"source":"https://learn.microsoft.com/a","causes"`, `"source":"","causes"`, 1),
		"not Microsoft":     strings.Replace(good, `"source":"https://learn.microsoft.com/a","check"`, `"source":"https://example.com/a","check"`, 1),
		"untested cause":    strings.Replace(good, `,"check":"x.y"`, "", 1),
		"no causes":         strings.Replace(good, `[{"cause":"C","source":"https://learn.microsoft.com/a","check":"x.y"}]`, "[]", 1),
		"unknown field":     strings.Replace(good, `"title"`, `"tilte":"x","title"`, 1),
		"two keys":          strings.Replace(good, `"symbol"`, `"message":"m","symbol"`, 1),
		"upper-case phrase": strings.Replace(good, `"causes"`, `"phrases":["Upper"],"causes"`, 1),
	} {
		if _, err := parse([]byte(`{"schema":"mdmdoctor.errcodes/v1","entries":[` + entry + `]}`)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := parse([]byte(`{"schema":"mdmdoctor.errcodes/v1","entries":[` + good + `,` + good + `]}`)); err == nil {
		t.Error("a duplicate entry was accepted")
	}
}

// The file a reviewer reads is the one embedded, and it is plain JSON that any tool decodes.
func TestCatalogFileIsPlainJSON(t *testing.T) {
	raw, err := os.ReadFile("catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if string(raw) != string(catalogJSON) {
		t.Fatal("catalog.json differs from the embedded copy")
	}
}

package checks

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// TestParseGUID: two ids read as the same 16 bytes exactly when they are the same GUID text but for
// case, so that linking by bytes matches linking by lower-cased text.
func TestParseGUID(t *testing.T) {
	const id = "b98e3b09-5523-4d0c-9444-dadb2eda9ebb"
	g, ok := parseGUID(id)
	want, _ := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
	if !ok || string(g[:]) != string(want) {
		t.Fatalf("%s read as %x, %t", id, g, ok)
	}
	if u, ok := parseGUID(strings.ToUpper(id)); !ok || u != g {
		t.Errorf("upper case reads as another GUID")
	}
	for _, bad := range []string{"", "b98e3b09552345d0c9444dadb2eda9ebb", "{b98e3b09-5523-4d0c-9444-dadb2eda9ebb}", "b98e3b09-5523-4d0c-9444-dadb2eda9ebg",
		"b98e3b0-95523-4d0c-9444-dadb2eda9ebb", "b98e3b09-5523-4d0c-9444-dadb2eda9eb", "b98e3b09 5523 4d0c 9444 dadb2eda9ebb"} {
		if _, ok := parseGUID(bad); ok {
			t.Errorf("%q read as a GUID", bad)
		}
	}
	// Through the linker: the same id in two cases links; a non-GUID id links by its text.
	f := tenantFacts()
	e := devWindows("PC-1", "AzureAd", true, 1)
	e.DeviceID = strings.ToUpper(id)
	m := devIntune("md-1", e, "SN-1", 0)
	m.AzureADDeviceID = id
	e2 := devWindows("PC-2", "AzureAd", true, 1)
	e2.DeviceID = "device-two"
	m2 := devIntune("md-2", e2, "SN-2", 0)
	m2.AzureADDeviceID = "DEVICE-TWO"
	f.AllDevices, f.AllManagedDevices = []facts.EntraDevice{e, e2}, []facts.ManagedDevice{m, m2}
	if l := linkRecords(f.AllDevices, f.AllManagedDevices); l.count() != 2 {
		t.Errorf("%d devices, want 2 pairs", l.count())
	}
}

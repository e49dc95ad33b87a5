package graph

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// decodeDevicePage reads a page of Entra devices with the sweep's decoder.
func decodeDevicePage(b []byte) ([]facts.EntraDevice, string, error) {
	dec := deviceDecoder{shared: interner{}}
	var read chunks[facts.EntraDevice]
	var strs pageStrings
	s := scanner{b: b}
	next, err := s.page(func(s *scanner) bool { return dec.record(s, read.next(), &strs) })
	strs.flush()
	if read.n == 0 {
		return nil, next, err
	}
	return read.all(), next, err
}

// referenceDevices decodes the same page with encoding/json, field by field as it would decode a
// struct of the sweep's fields (exact key names, as Graph writes them; the last of duplicate keys
// winning), and keeps what the sweep keeps: the reference the scanner is held to.
func referenceDevices(b []byte) ([]facts.EntraDevice, string, bool) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil || top == nil {
		return nil, "", false
	}
	var next string
	var value *[]map[string]json.RawMessage
	if raw, ok := top["@odata.nextLink"]; ok && json.Unmarshal(raw, &next) != nil {
		return nil, "", false
	}
	if raw, ok := top["value"]; !ok || json.Unmarshal(raw, &value) != nil || value == nil {
		return nil, "", false
	}
	var out []facts.EntraDevice
	for _, m := range *value {
		if m == nil {
			return nil, "", false
		}
		var e facts.EntraDevice
		var ids []string
		for k, dst := range map[string]any{"id": &e.ID, "deviceId": &e.DeviceID, "displayName": &e.DisplayName,
			"operatingSystem": &e.OperatingSystem, "operatingSystemVersion": &e.OperatingSystemVersion, "trustType": &e.TrustType,
			"mdmAppId": &e.MdmAppID, "profileType": &e.ProfileType, "enrollmentType": &e.EnrollmentType, "isManaged": &e.IsManaged,
			"isCompliant": &e.IsCompliant, "accountEnabled": &e.AccountEnabled, "approximateLastSignInDateTime": &e.ApproximateLastSignInDateTime,
			"registrationDateTime": &e.RegistrationDateTime, "physicalIds": &ids} {
			if raw, ok := m[k]; ok {
				if err := json.Unmarshal(raw, dst); err != nil {
					return nil, "", false
				}
			}
		}
		for _, id := range ids {
			if strings.HasPrefix(strings.ToUpper(id), "[ZTDID]:") {
				e.PhysicalIDs = append(e.PhysicalIDs, id)
			}
		}
		out = append(out, e)
	}
	return out, next, true
}

const samplePage = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#devices","@odata.nextLink":"https://graph.microsoft.com/v1.0/devices?$top=999&$skiptoken=X",
"value":[{"id":"cb3f455f-430e-4528-a90b-7d1175308572","deviceId":"b98e3b09-5523-4d0c-9444-dadb2eda9ebb","displayName":"ALICE-LT","operatingSystem":"Windows",
"operatingSystemVersion":"10.0.22631.4460","trustType":"AzureAd","isManaged":true,"isCompliant":null,"accountEnabled":true,"mdmAppId":"0000000a-0000-0000-c000-000000000000",
"approximateLastSignInDateTime":"2026-11-24T12:00:00Z","registrationDateTime":"2026-05-08T09:15:30.1234567Z","physicalIds":["[USER-GID]:x","[ZTDID]:abc",null],
"extensionAttributes":{"a":[1,2.5e-3,{"b":null}],"c":"\u00e9"},"alternativeSecurityIds":[]},
{"id":"d2","displayName":"Caf\u00e9 \"PC\" \ud83d\ude00","operatingSystem":"Windows","approximateLastSignInDateTime":"2026-01-02T03:04:05+01:00","registrationDateTime":null,"physicalIds":null},
{}]}`

func TestScannerReadsAPage(t *testing.T) {
	got, next, err := decodeDevicePage([]byte(samplePage))
	if err != nil {
		t.Fatal(err)
	}
	want, wantNext, ok := referenceDevices([]byte(samplePage))
	if !ok {
		t.Fatal("the reference cannot read the sample")
	}
	if next != wantNext || !reflect.DeepEqual(got, want) {
		t.Errorf("scanner\n %+v %q\nencoding/json\n %+v %q", got, next, want, wantNext)
	}
	if got[0].RegistrationDateTime.Nanosecond() != 123456700 || got[1].DisplayName != "Café \"PC\" 😀" ||
		!got[1].ApproximateLastSignInDateTime.Equal(time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC)) || len(got) != 3 {
		t.Errorf("decoded %+v", got)
	}
	if !reflect.DeepEqual(got[0].PhysicalIDs, []string{"[ZTDID]:abc"}) {
		t.Errorf("physical ids %v, want the Autopilot marker only", got[0].PhysicalIDs)
	}
}

func TestScannerRefusesMalformedPages(t *testing.T) {
	for name, page := range map[string]string{
		"no value":        `{"@odata.context":"x"}`,
		"null value":      `{"value":null}`,
		"truncated":       `{"value":[{"id":"a","displayName":"PC`,
		"trailing comma":  `{"value":[{"id":"a"},]}`,
		"missing comma":   `{"value":[{"id":"a" "deviceId":"b"}]}`,
		"bad literal":     `{"value":[{"isManaged":tru}]}`,
		"wrong type":      `{"value":[{"isManaged":"yes"}]}`,
		"number for id":   `{"value":[{"id":12}]}`,
		"bad date":        `{"value":[{"registrationDateTime":"2026-02-30T00:00:00Z"}]}`,
		"bad number":      `{"value":[{"x":01}]}`,
		"control char":    "{\"value\":[{\"id\":\"a\tb\"}]}",
		"garbage after":   `{"value":[]} {}`,
		"record not obj":  `{"value":[42]}`,
		"deep nesting":    `{"value":[{"x":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}]}`,
		"unterminated":    `{"value":[{"id":"abc\"}]}`,
		"bad escape":      `{"value":[{"id":"\x"}]}`,
		"empty":           ``,
		"next not string": `{"@odata.nextLink":5,"value":[]}`,
	} {
		if _, _, err := decodeDevicePage([]byte(page)); err == nil {
			t.Errorf("%s: %q decoded without error", name, page)
		}
	}
}

func TestParseUTCMatchesTime(t *testing.T) {
	for _, s := range []string{"2026-11-25T18:00:00Z", "2026-11-25T18:00:00.5Z", "2024-02-29T23:59:59.123456789Z", "0001-01-01T00:00:00Z",
		"2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T18:60:00Z", "2026-11-25T18:00:60Z",
		"2026-11-25T18:00:00.Z", "2026-11-25T18:00:00.1234567890Z", "2026-11-25 18:00:00Z", "2026-11-25T18:00:00+00:00", "2026-1-25T18:00:00Z"} {
		got, ok := parseUTC([]byte(s))
		var want time.Time
		err := want.UnmarshalJSON([]byte(`"` + s + `"`))
		if ok && (err != nil || !got.Equal(want) || got.Location() != time.UTC) {
			t.Errorf("%s: fast path %v, time.Time %v (%v)", s, got, want, err)
		}
		if !ok && err == nil && s != "2026-11-25T18:00:00+00:00" && s != "2026-11-25T18:00:00.1234567890Z" {
			t.Errorf("%s: fast path refused what time.Time reads", s)
		}
	}
}

// FuzzSweepPage holds the scanner to encoding/json: it never panics, it reads every page encoding/json
// reads the same way, and what it reads equals what encoding/json reads.
func FuzzSweepPage(f *testing.F) {
	f.Add([]byte(samplePage))
	f.Add([]byte(`{"value":[]}`))
	f.Add([]byte(`{"value":[{"id":"a\u0000b","isManaged":false,"displayName":"\ud800"}]}`))
	f.Add([]byte(`{"value":[{"id":"x","id":"y","physicalIds":["[ztdid]:lower"]}],"@odata.nextLink":"n"}`))
	f.Add([]byte(`{"value":[{"registrationDateTime":"2026-11-25T18:00:00.000000001Z","approximateLastSignInDateTime":"\u0032026-11-25T18:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, page []byte) {
		got, next, err := decodeDevicePage(page)
		want, wantNext, ok := referenceDevices(page)
		switch {
		case ok && err != nil:
			t.Fatalf("encoding/json reads the page, the scanner refuses it: %v", err)
		case ok && (next != wantNext || !reflect.DeepEqual(got, want)):
			t.Fatalf("scanner %+v %q\nencoding/json %+v %q", got, next, want, wantNext)
		case !ok && err == nil && json.Valid(page):
			// encoding/json refused a type the scanner accepted: only null-as-zero differences
			// are allowed, and referenceDevices already treats those alike.
			t.Fatalf("the scanner read a page encoding/json refuses: %q", page)
		case !ok && err == nil:
			t.Fatalf("the scanner read invalid JSON: %q", page)
		}
	})
}

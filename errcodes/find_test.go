package errcodes

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func keys(f Finding) []string {
	var out []string
	for _, m := range f.Matches {
		out = append(out, m.Entry.Key())
	}
	return out
}

// Every form a person meets 0x80180014 in names the same entry.
func TestFindReadsEveryForm(t *testing.T) {
	c := Default()
	for _, in := range []string{
		"0x80180014", "0X80180014", "80180014", "2149056532", "-2145910764",
		"There was a problem. Your organization does not support this version of Windows.  (0x80180014)",
		"contact your system administrator with the error code 80180014.",
	} {
		f := c.Find(in)
		if got := keys(f); len(got) == 0 || got[0] != "0x80180014" {
			t.Errorf("%q: found %v, want 0x80180014 first", in, got)
		}
	}
}

// The documentation's own typo 0x80180002b names 0x8018002b.
func TestFindReadsTheDocumentationTypo(t *testing.T) {
	c := Default()
	for _, in := range []string{"0x80180002b", "Auto MDM Enroll: Failed (Unknown Win32 Error code: 0x80180002b)", "80180002B"} {
		if got := keys(c.Find(in)); len(got) == 0 || got[0] != "0x8018002b" {
			t.Errorf("%q: found %v, want 0x8018002b", in, got)
		}
	}
}

// Microsoft's published event (troubleshoot-windows-enrollment-errors) gives the event and its code.
func TestFindReadsAPublishedEvent(t *testing.T) {
	event := `Log Name: Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider/Admin
Source: DeviceManagement-Enterprise-Diagnostics-Provider
Event ID: 76
Level: Error
Description: Auto MDM Enroll: Failed (Unknown Win32 Error code: 0x80180002b)`
	got := keys(Default().Find(event))
	want := []string{"0x8018002b", "Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider/Admin event 76"}
	if !slices.Equal(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
}

// An event id means something only in its log: 7016 with the Task Scheduler log and its decimal code.
func TestFindKeysEventsByLog(t *testing.T) {
	c := Default()
	got := keys(c.Find("Task Scheduler > Operational: event 7016 together with error code 2149056522"))
	want := []string{"0x8018000a", "Microsoft-Windows-TaskScheduler/Operational event 7016"}
	if !slices.Equal(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
	f := c.Find("event 7016")
	if len(f.Matches) != 0 || !slices.Equal(f.Unplaced, []int{7016}) {
		t.Fatalf("an id without its log: matches %v, unplaced %v; want none and [7016]", keys(f), f.Unplaced)
	}
	// The id of one log does not name an entry of another.
	if f := c.Find("Log Name: Microsoft-Windows-TaskScheduler/Operational\nEvent ID: 76"); len(f.Matches) != 0 {
		t.Fatalf("event 76 of Task Scheduler matched %v", keys(f))
	}
}

// dsregcmd's Diagnostic Data gives the error and its sub-error, both decoded; GUIDs, dates and
// success codes in the same paste are not codes.
func TestFindReadsADsregcmdPaste(t *testing.T) {
	paste := `     Diagnostics Reference : www.microsoft.com/aadjerrors
              User Context : SYSTEM
               Client Time : 2019-01-31 09:25:31.000 UTC
        DRS Discovery Test : FAIL [0x801c0021/0x801c000c]
     Previous Registration : 2019-01-31 09:23:30.000 UTC
               Error Phase : discover
          Client ErrorCode : 0x801c0021
                  DeviceId : aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb
                  Status   : 0x00180011`
	f := Default().Find(paste)
	if got, want := keys(f), []string{"0x801c0021", "0x801c000c"}; !slices.Equal(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
	if len(f.Unknown) != 0 {
		t.Fatalf("unknown %v, want none", f.Unknown)
	}
}

// A hex code and its negative int32 spelling in the same line count once.
func TestFindCountsACodeOnce(t *testing.T) {
	f := Default().Find("DSREG_AUTOJOIN_ADCONFIG_READ_FAILED (0x801c001d/-2145648611)")
	if got := keys(f); !slices.Equal(got, []string{"0x801c001d"}) {
		t.Fatalf("found %v", got)
	}
}

// An unknown failure code is reported as unknown, not dropped; ordinary numbers are not codes.
func TestFindReportsUnknownCodes(t *testing.T) {
	f := Default().Find("error 0x80181234 at 12:00, attempt 2 of 3, build 19045")
	if len(f.Matches) != 0 || !slices.Equal(f.Unknown, []string{"0x80181234"}) {
		t.Fatalf("matches %v unknown %v", keys(f), f.Unknown)
	}
	if f := Default().Find("nothing to see here 12345 2019"); len(f.Matches)+len(f.Unknown) != 0 {
		t.Fatalf("found %v %v in plain text", keys(f), f.Unknown)
	}
}

// A message wrapped across lines still matches its phrase.
func TestFindMatchesWrappedMessages(t *testing.T) {
	f := Default().Find("Something went wrong.\nThis account is not allowed on\nthis phone. Make sure the information you provided is correct")
	if got := keys(f); !slices.Equal(got, []string{"message account-not-allowed"}) {
		t.Fatalf("found %v", got)
	}
}

// Every entry is found by its own key form, so each has a working way in.
func TestEveryEntryCanBeFound(t *testing.T) {
	c := Default()
	for _, e := range c.Entries() {
		var in string
		switch e.Kind() {
		case KindCode:
			in = e.Code
		case KindEvent:
			in = "Log Name: " + e.Event.Log + "\nEvent ID: " + itoa(e.Event.ID)
		case KindMessage:
			in = e.Phrases[0]
		}
		if got := keys(c.Find(in)); !slices.Contains(got, e.Key()) {
			t.Errorf("%s: %q found %v", e.Key(), in, got)
		}
	}
}

func itoa(n int) string { return fmt.Sprint(n) }

func FuzzFind(f *testing.F) {
	for _, s := range []string{"0x80180014", "-2145910764", "Event ID: 76 DeviceManagement-Enterprise-Diagnostics-Provider", "0x80180002b", "\x00\xff"} {
		f.Add(s)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, s string) {
		got := c.Find(s)
		for _, m := range got.Matches {
			if m.Entry.Key() == "" {
				t.Fatal("a match without a key")
			}
		}
	})
}

// Every published event sample in testdata/realworld/events names a catalog event and its code.
func TestFindReadsPublishedEventSamples(t *testing.T) {
	paths, err := filepath.Glob("../testdata/realworld/events/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(strings.TrimSuffix(p, ".txt") + ".source"); err != nil {
			t.Errorf("%s has no source sidecar", p)
		}
		f := Default().Find(string(raw))
		var kinds []Kind
		for _, m := range f.Matches {
			kinds = append(kinds, m.Entry.Kind())
		}
		if !slices.Contains(kinds, KindEvent) || !slices.Contains(kinds, KindCode) || len(f.Unknown) != 0 {
			t.Errorf("%s: found %v, unknown %v", p, keys(f), f.Unknown)
		}
	}
}

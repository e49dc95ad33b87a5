package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The catalog names the documentation each rule follows, in text and JSON.
func TestCatalogNamesEachRuleSource(t *testing.T) {
	r := runCLI(t, "", "checks", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if len(entries) == 0 {
		t.Fatal("empty catalog")
	}
	for _, e := range entries {
		if src, _ := e["source"].(string); !strings.HasPrefix(src, "https://learn.microsoft.com/") {
			t.Errorf("%v: source %q is not a Microsoft Learn page", e["id"], src)
		}
	}
	if text := runCLI(t, "", "checks"); !strings.Contains(text.stdout, "SOURCE") || !strings.Contains(text.stdout, "https://learn.microsoft.com/") {
		t.Errorf("the text catalog lists no sources:\n%s", text.stdout)
	}
}

// --path names how the device enrolls; the report says which path it judged.
func TestCheckPath(t *testing.T) {
	r := runCLI(t, "", "check", "--demo", "--user", "dave@contoso.com", "--path", "join", "--format", "json")
	doc, byID := decodeReport(t, r.stdout)
	path, _ := doc["path"].(map[string]any)
	if path == nil || path["basis"] != "given" || !strings.Contains(strings.Join(anyStrings(path["paths"]), ","), "join") {
		t.Errorf("report path %v, want join, given", doc["path"])
	}
	if st := byID["enrollment.restrictions"]["status"]; st != "fail" {
		t.Errorf("dave on the join path: enrollment.restrictions %v, want fail (his personal-device block stops an Entra join)", st)
	}
	u := runCLI(t, "", "check", "--demo", "--user", "dave@contoso.com", "--format", "json")
	doc, _ = decodeReport(t, u.stdout)
	if path, _ := doc["path"].(map[string]any); path == nil || path["basis"] != "unknown" || len(anyStrings(path["paths"])) != 7 {
		t.Errorf("without --path: %v, want every path judged", doc["path"])
	}
	bad := runCLI(t, "", "check", "--demo", "--user", "dave@contoso.com", "--path", "usb")
	if bad.code != 2 || !strings.Contains(bad.stderr, "unknown enrollment path") {
		t.Errorf("--path usb: exit %d, stderr %q", bad.code, bad.stderr)
	}
}

func anyStrings(v any) []string {
	var out []string
	xs, _ := v.([]any)
	for _, x := range xs {
		out = append(out, x.(string))
	}
	return out
}

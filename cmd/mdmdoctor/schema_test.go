package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestReportsValidateAgainstSchema checks every demo report against docs/report.schema.json, the
// published contract of --format json.
func TestReportsValidateAgainstSchema(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	runs := [][]string{{"dns", "--demo", "contoso.com", "fabrikam.com", "tailspin.com", "contoso.local"}}
	for _, u := range []string{"alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "dave@contoso.com", "erin@contoso.local",
		"frank@contoso.com", "grace@fabrikam.com", "henry@fabrikam.com", "ivan@fabrikam.com", "judy@tailspin.com"} {
		runs = append(runs, []string{"check", "--demo", "--user", u})
	}
	runs = append(runs, []string{"check", "--demo", "--user", "erin@contoso.local", "--error", "0x8018002b"},
		[]string{"check", "--demo", "--user", "alice@contoso.com", "--error", "This account is not allowed on this phone"})
	for _, args := range runs {
		r := runCLI(t, "", append(args, "--format", "json")...)
		var v any
		if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
			t.Fatalf("%v: not JSON: %v", args, err)
		}
		if err := schema.Validate(v); err != nil {
			t.Errorf("%v: report does not match the schema: %v", args, err)
		}
	}
}

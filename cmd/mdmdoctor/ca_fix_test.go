package main

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/app/apptest"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

const breakGlass = "ba449a6f-6a9a-44bc-bbdf-dd1d1baf0329"

// noRegistrationCA turns contoso's "Require MFA to register devices" off: nothing requires MFA at
// registration, so mfa.registration offers the report-only policy; the baseline All-users policy,
// which excludes "Break glass", stays on.
func noRegistrationCA(tn *graphtest.Tenant) {
	for _, p := range tn.ConditionalAccessPolicies {
		if p["displayName"] == "Require MFA to register devices" {
			p["state"] = "disabled"
		}
	}
}

// TestCreateCAFixExclusions: the preview names the shared exclusion and those --exclude-group and
// --exclude-user add, says whom the policy covers, and the policy written carries them all.
func TestCreateCAFixExclusions(t *testing.T) {
	srv, flags, env := fakeTenant(t, "contoso", noRegistrationCA)
	args := append([]string{"fix", "mfa.registration.create-ca-report-only", "--user", "alice@contoso.com",
		"--exclude-group", "Sales", "--exclude-user", "bob@contoso.com"}, flags...)
	state := t.TempDir()
	r := runWith(t, state, env, "", append(args, "--dry-run")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{`keeps the exclusions every enabled All-users policy ("Baseline: MFA for all users and all resources") has: group "Break glass" (1 user)`,
		`also excludes, as asked: group "Sales" (1 user), user "Bob Smith" <bob@contoso.com>`, "would cover 5 of the tenant's 8 users (3 excluded)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("preview lacks %q:\n%s", want, r.stdout)
		}
	}
	if w := apptest.SentWrites(srv); len(w) != 0 {
		t.Fatalf("a dry run wrote %v", w)
	}
	srv.ResetRequests()
	r = runWith(t, state, env, "", append(args, "--yes")...)
	if r.code != 0 || !strings.Contains(r.stdout, "Applied.") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	w := apptest.SentWrites(srv)
	if len(w) != 1 || !strings.Contains(w[0], `"excludeGroups":["`+breakGlass+`","dca4c49c-03ab-470f-be74-29c40d3704ca"]`) ||
		!strings.Contains(w[0], `"excludeUsers":["d91731c4-e2fb-4ee9-a119-b64659a0b445"]`) {
		t.Errorf("writes %v", w)
	}
	// A group that does not exist is a clear one-line error, exit 2, nothing sent.
	srv, flags, env = fakeTenant(t, "contoso", noRegistrationCA)
	r = runWith(t, t.TempDir(), env, "", append([]string{"fix", "mfa.registration.create-ca-report-only", "--user", "alice@contoso.com", "--exclude-group", "Nobody", "--yes"}, flags...)...)
	if r.code != 2 || !strings.Contains(r.stderr, `--exclude-group "Nobody": no group has that id or display name`) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
	if w := apptest.SentWrites(srv); len(w) != 0 {
		t.Errorf("sent %v", w)
	}
}

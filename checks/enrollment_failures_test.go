package checks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func enrFailureEvent(id, user string, days int, category, reason string) facts.TroubleshootingEvent {
	return facts.TroubleshootingEvent{ID: id, UserID: user, EventDateTime: devDaysAgo(days), CorrelationID: "corr-" + id,
		OperatingSystem: "Windows", OSVersion: "10.0.22631", EnrollmentType: "windowsAzureADJoin", DeviceID: "dev-" + id,
		FailureCategory: category, FailureReason: reason}
}

func TestEnrollmentFailures(t *testing.T) {
	const me = "u-carol@contoso.com"
	restricted := enrFailureEvent("e-new", me, 2, "enrollmentRestrictionsEnforced", "Personal Windows enrollment blocked")
	authz := enrFailureEvent("e-mid", me, 5, "authorization", "User is not licensed for Intune")
	old := enrFailureEvent("e-old", me, 40, "accountValidation", "Enrollment not enabled")
	someoneElse := enrFailureEvent("e-other", "u-dave@contoso.com", 1, "authentication", "Bad password")

	// A successful enrollment of the user 3 days ago supersedes the failures before it, not the one after.
	enrolled := facts.ManagedDevice{ID: "md-1", DeviceName: "CAROL-LT", UserID: me, EnrolledDateTime: devDaysAgo(3)}
	for _, tc := range []struct {
		name    string
		events  []facts.TroubleshootingEvent
		managed []facts.ManagedDevice
		want    Status
		summary string
		order   []string // correlation ids in evidence order
		advice  []string // words the remediation must hold
	}{
		{name: "no events", want: Pass, summary: "no enrollment failures"},
		{name: "only another user's events", events: []facts.TroubleshootingEvent{someoneElse}, want: Pass},
		{name: "an old failure with no enrollment since still stands, its age said", events: []facts.TroubleshootingEvent{old}, want: Fail,
			summary: "the newest, 40 days ago, was accountValidation", order: []string{"corr-e-old"}, advice: []string{"accountValidation: "}},
		{name: "a failure two days ago", events: []facts.TroubleshootingEvent{restricted}, want: Fail, summary: "1 enrollment failure that no later enrollment superseded",
			advice: []string{"enrollmentRestrictionsEnforced: ", "enrollment.restrictions"}},
		{name: "failures before a successful enrollment are superseded", events: []facts.TroubleshootingEvent{old, authz}, managed: []facts.ManagedDevice{enrolled}, want: Warn,
			summary: "each superseded by a later successful enrollment", order: []string{"corr-e-mid", "corr-e-old"}},
		{name: "a failure after the enrollment stands", events: []facts.TroubleshootingEvent{old, authz, someoneElse, restricted}, managed: []facts.ManagedDevice{enrolled}, want: Fail,
			summary: "1 enrollment failure that no later enrollment superseded; the newest, 2 days ago, was enrollmentRestrictionsEnforced",
			order:   []string{"corr-e-new", "corr-e-mid", "corr-e-old"}, advice: []string{"authorization: ", "license.intune", "accountValidation: "}},
		{name: "a failure without a category", events: []facts.TroubleshootingEvent{enrFailureEvent("e-unk", me, 1, "", "")}, want: Fail,
			summary: "was unknown", advice: []string{"correlation id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := devFacts("carol@contoso.com")
			f.Operator = &facts.Operator{Known: true, RoleTemplateIDs: []string{facts.RoleIntuneAdministrator}}
			f.Troubleshooting, f.ManagedDevices = tc.events, tc.managed
			r := devJudge(t, "enrollment.failures", f)
			if r.Status != tc.want {
				t.Fatalf("status %s, want %s: %s", r.Status, tc.want, r.Summary)
			}
			if !strings.Contains(r.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", r.Summary, tc.summary)
			}
			var order []string
			for _, e := range r.Evidence {
				if e.Source != "GET /v1.0/deviceManagement/troubleshootingEvents" {
					t.Errorf("evidence source %q", e.Source)
				}
				if i := strings.Index(e.Detail, "correlation id "); i >= 0 {
					id, _, _ := strings.Cut(e.Detail[i+len("correlation id "):], ";")
					order = append(order, id)
				}
			}
			if tc.order != nil && strings.Join(order, ",") != strings.Join(tc.order, ",") {
				t.Errorf("evidence order %v, want %v", order, tc.order)
			}
			for _, a := range tc.advice {
				if !strings.Contains(r.Remediation, a) {
					t.Errorf("remediation lacks %q: %s", a, r.Remediation)
				}
			}
		})
	}
}

func TestEnrollmentFailuresEvidenceIsBounded(t *testing.T) {
	f := devFacts("carol@contoso.com")
	for i := range 30 {
		f.Troubleshooting = append(f.Troubleshooting, enrFailureEvent(fmt.Sprintf("e%02d", i), "u-carol@contoso.com", i, "clientDisconnected", "Timed out"))
	}
	r := devJudge(t, "enrollment.failures", f)
	if len(r.Evidence) != maxFailureEvidence+1 || !strings.Contains(r.Evidence[maxFailureEvidence].Detail, "and 10 older events") {
		t.Fatalf("%d evidence lines, last %q: want %d events and a line for the 10 left out", len(r.Evidence), r.Evidence[len(r.Evidence)-1].Detail, maxFailureEvidence)
	}
	if !strings.Contains(r.Evidence[0].Detail, "corr-e00") {
		t.Errorf("first evidence %q should be the newest event", r.Evidence[0].Detail)
	}
}

func TestEnrollmentFailuresWithoutUserIDIsAnError(t *testing.T) {
	f := devFacts("carol@contoso.com")
	f.User = nil
	r := devJudge(t, "enrollment.failures", f)
	if r.Status != Error || r.Error == "" {
		t.Fatalf("status %s (%q), want error with a reason", r.Status, r.Error)
	}
}

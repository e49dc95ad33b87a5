package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

const failuresDocs = "https://learn.microsoft.com/en-us/troubleshoot/mem/intune/device-enrollment/troubleshoot-windows-enrollment-errors"

// maxFailureEvidence bounds the evidence lines: a device retrying all week can leave hundreds of events.
const maxFailureEvidence = 20

func failuresCheck() Check {
	return Check{
		ID: "enrollment.failures", Title: "Recent enrollment failures", Step: StepDevices, Modes: userOnly,
		Question: "Has Intune recorded enrollment failures for the user, and how recently?",
		Docs:     failuresDocs,
		// SrcUser: troubleshooting events name the user by object id.
		Needs: []facts.Source{facts.SrcTroubleshooting, facts.SrcUser},
		Judge: judgeFailures,
	}
}

func judgeFailures(f *facts.Facts) []Result {
	src := requestOf(f, facts.SrcTroubleshooting, "GET /v1.0/deviceManagement/troubleshootingEvents")
	if f.User == nil || f.User.ID == "" {
		why := "the user's object id is unknown, so the troubleshooting events cannot be matched to the user: check that the user exists and run the check again"
		return []Result{{Status: Error, Summary: "Could not run: " + why, Error: why}}
	}
	var events []facts.TroubleshootingEvent
	for _, e := range f.Troubleshooting {
		if strings.EqualFold(e.UserID, f.User.ID) {
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return []Result{{
			Status:      Pass,
			Summary:     "Intune has recorded no enrollment failures for the user",
			Explanation: "Intune's troubleshooting events hold no failed enrollment for this user, so no enrollment attempt was refused by the service.",
			Evidence:    []Evidence{{Source: src, Detail: fmt.Sprintf("%d events in the tenant, none with userId %s", len(f.Troubleshooting), f.User.ID)}},
		}}
	}
	slices.SortStableFunc(events, func(a, b facts.TroubleshootingEvent) int { return b.EventDateTime.Compare(a.EventDateTime) })
	recent := 0
	var cats []string
	for _, e := range events {
		if f.Now.Sub(e.EventDateTime) <= recentFailures {
			recent++
		}
		if c := failureCategory(e); !slices.Contains(cats, c) {
			cats = append(cats, c)
		}
	}
	var ev []Evidence
	for i, e := range events {
		if i == maxFailureEvidence {
			ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("and %d older events", len(events)-i)})
			break
		}
		ev = append(ev, Evidence{Source: src, Detail: describeFailure(e, f)})
	}
	newest := events[0]
	advice := []string{"In the Intune admin center go to Troubleshooting + support > Troubleshoot, select the user and open Enrollment failures to see these events with their details. What each category means and what to do:"}
	for _, c := range cats {
		advice = append(advice, c+": "+categoryAdvice(c))
	}
	advice = append(advice, "When the cause is fixed, have the user retry the enrollment and run the check again; give Microsoft support the correlation id if a failure remains unexplained.")
	r := Result{Evidence: ev, Remediation: strings.Join(advice, " "), Table: failureTable(events)}
	if recent > 0 {
		r.Status = Fail
		r.Summary = fmt.Sprintf("%d enrollment failure%s in the last 7 days; the newest, %s, was %s", recent, pluralSuffix(recent), howLongAgo(newest.EventDateTime, f.Now), failureCategory(newest))
		r.Explanation = "Intune refused enrollments of this user within the last week, so the device the user is calling about is most likely among them and still not enrolled. The failure category says which stage refused it and points to the check that finds the cause."
	} else {
		r.Status = Warn
		r.Summary = fmt.Sprintf("%d enrollment failure%s, all older than 7 days; the newest, %s, was %s", len(events), pluralSuffix(len(events)), howLongAgo(newest.EventDateTime, f.Now), failureCategory(newest))
		r.Explanation = "Intune refused enrollments of this user in the past but not in the last week. The cause may be fixed already; the categories still show what went wrong, and whether a later attempt enrolled is worth confirming with the user."
	}
	return []Result{r}
}

func failureCategory(e facts.TroubleshootingEvent) string {
	if e.FailureCategory == "" {
		return "unknown"
	}
	return e.FailureCategory
}

func describeFailure(e facts.TroubleshootingEvent, f *facts.Facts) string {
	when := "at an unknown time"
	if !e.EventDateTime.IsZero() {
		when = e.EventDateTime.UTC().Format("2006-01-02 15:04 UTC") + " (" + howLongAgo(e.EventDateTime, f.Now) + ")"
	}
	return fmt.Sprintf("%s: %s: %s; %s %s, enrollment type %s, Entra device id %s, correlation id %s",
		when, failureCategory(e), valueOrNone(e.FailureReason), valueOrNone(e.OperatingSystem), e.OSVersion,
		valueOrNone(e.EnrollmentType), valueOrNone(e.DeviceID), valueOrNone(e.CorrelationID))
}

// categoryAdvice explains a failure category (deviceEnrollmentFailureReason) in helpdesk words.
func categoryAdvice(category string) string {
	switch strings.ToLower(category) {
	case "authentication":
		return "the user's sign-in failed during enrollment. Check that the account is enabled and its password current, and that Conditional Access or MFA did not block the sign-in to Intune enrollment."
	case "authorization":
		return "the user signed in but is not allowed to enroll. Usually the user has no Intune licence (license.intune), is outside the MDM user scope (scope.mdm), or has reached a device limit (devices.limits)."
	case "accountvalidation":
		return "the tenant's account could not be validated for enrollment: the account is blocked or enrollment is not enabled. Check that the tenant's Intune subscription is active and that automatic enrollment is configured (scope.mdm, scope.urls)."
	case "uservalidation":
		return "the user could not be validated: the user does not exist for Intune or has no licence. Assign a licence with an Intune plan and wait until it shows as provisioned (license.intune)."
	case "devicenotsupported":
		return "the device is not supported for mobile device management. Check the Windows edition (Home editions cannot join Microsoft Entra or enroll automatically) and version."
	case "inmaintenance":
		return "the Intune service was in maintenance for the tenant. Retry the enrollment later."
	case "badrequest":
		return "the device sent a request Intune did not understand. Install Windows updates and retry."
	case "featurenotsupported":
		return "the enrollment used a feature the tenant does not support. Check the enrollment method against the tenant's licences and configuration."
	case "enrollmentrestrictionsenforced":
		return "an enrollment restriction blocked the device: a platform, personal-device or OS version restriction (enrollment.restrictions) or the device limit (devices.limits)."
	case "clientdisconnected":
		return "the device timed out or the enrollment was cancelled. Check that the device reaches the Intune endpoints (proxy, firewall) and retry."
	case "userabandonment":
		return "the user started the enrollment but did not finish it. Retry with the user and note the screen where it stops."
	}
	return "Intune gives no category: read the failure reason, and give the correlation id to Microsoft support."
}

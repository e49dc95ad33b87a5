package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The rule of enrollment.failures: Intune's enrollment failure report (troubleshootingEvents) lists
// refused enrollments; Microsoft documents no window after which a failure stops mattering, so none is
// invented here: every failure is reported with its age. A failure is superseded when the same user
// enrolled a device successfully afterwards (an Intune managed device of the user enrolled later).
// https://learn.microsoft.com/en-us/mem/intune/fundamentals/help-desk-operators (the user's enrollment
// failures) and failuresDocs for the categories.
const failuresDocs = "https://learn.microsoft.com/en-us/troubleshoot/mem/intune/device-enrollment/troubleshoot-windows-enrollment-errors"

// maxFailureEvidence bounds the evidence lines: a device retrying all week can leave hundreds of events.
const maxFailureEvidence = 20

func failuresCheck() Check {
	return Check{
		ID: "enrollment.failures", Title: "Recent enrollment failures", Step: StepDevices, Modes: userOnly,
		Question: "Has Intune recorded enrollment failures for the user that no later successful " +
			"enrollment superseded?",
		Docs: failuresDocs,
		// SrcUser: troubleshooting events name the user by object id. SrcManagedDevices: a later
		// successful enrollment supersedes a failure.
		Needs: []facts.Source{facts.SrcTroubleshooting, facts.SrcUser, facts.SrcManagedDevices},
		Judge: judgeFailures,
	}
}

func judgeFailures(f *facts.Facts) []Result {
	src := requestOf(f, facts.SrcTroubleshooting, "GET /v1.0/deviceManagement/troubleshootingEvents")
	if f.User == nil || f.User.ID == "" {
		why := "the user's object id is unknown, so the troubleshooting events cannot be matched to the user: check " +
			"that the user exists and run the check again"
		return []Result{{Status: Error, Summary: "Could not run: " + why, Error: why}}
	}
	var events []facts.TroubleshootingEvent
	for _, e := range f.Troubleshooting {
		if strings.EqualFold(e.UserID, f.User.ID) {
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		r := Result{
			Status:  Pass,
			Summary: "Intune has recorded no enrollment failures for the user",
			Explanation: "Intune's troubleshooting events hold no failed enrollment for this user, so no enrollment " +
				"attempt was refused by the service.",
			Evidence: []Evidence{{Source: src, Detail: fmt.Sprintf("%d events in the tenant, none "+
				"with userId %s", len(f.Troubleshooting), f.User.ID)}},
		}
		if full, why := intuneVisibility(f); !full {
			r.Status, r.Summary, r.Explanation = Warn, r.Summary+", as far as the "+
				"operator can see", r.Explanation+" "+why
		}
		return []Result{r}
	}
	slices.SortStableFunc(events, func(a, b facts.TroubleshootingEvent) int { return b.EventDateTime.Compare(a.EventDateTime) })
	var standing []facts.TroubleshootingEvent
	var cats []string
	for _, e := range events {
		if _, ok := supersededBy(f, e); !ok {
			standing = append(standing, e)
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
		d := describeFailure(e, f)
		if md, ok := supersededBy(f, e); ok {
			d += fmt.Sprintf("; superseded: the user enrolled %q successfully "+
				"%s, after it", md.DeviceName, howLongAgo(md.EnrolledDateTime, f.Now))
		}
		ev = append(ev, Evidence{Source: src, Detail: d})
	}
	newest := events[0]
	advice := []string{"In the Intune admin center go to Troubleshooting + support > Troubleshoot, select the user " +
		"and open Enrollment failures to see these events with their details. What each category means and what to do:"}
	for _, c := range cats {
		advice = append(advice, c+": "+categoryAdvice(c))
	}
	advice = append(advice, "When the cause is fixed, have the user retry the enrollment and run the check again; "+
		"give Microsoft support the correlation id if a failure remains unexplained.")
	r := Result{Evidence: ev, Remediation: strings.Join(advice, " "), Table: failureTable(events)}
	if len(standing) > 0 {
		s := standing[0]
		r.Status = Fail
		r.Summary = fmt.Sprintf("%d enrollment failure%s that no later enrollment superseded; the "+
			"newest, %s, was %s", len(standing), pluralSuffix(len(standing)), howLongAgo(s.EventDateTime, f.Now),
			failureCategory(s))
		r.Explanation = "Intune refused enrollments of this user, and the user has enrolled no device successfully " +
			"since. Microsoft documents no age after which a failure stops mattering, so the age is given instead: a " +
			"failure from today is most likely the device the user is calling about. The failure category says " +
			"which stage refused it and points to the check that finds the cause."
	} else {
		r.Status = Warn
		r.Summary = fmt.Sprintf("%d enrollment failure%s, each superseded by a later successful enrollment of the "+
			"user; the newest, %s, was %s", len(events), pluralSuffix(len(events)),
			howLongAgo(newest.EventDateTime, f.Now), failureCategory(newest))
		r.Explanation = "Intune refused enrollments of this user, but the user enrolled a device successfully after " +
			"each of them, so the cause may be fixed. If the device in question is not the one that enrolled, the " +
			"categories still show what went wrong."
	}
	return []Result{r}
}

// supersededBy finds a managed device of the user enrolled after the failure.
func supersededBy(f *facts.Facts, e facts.TroubleshootingEvent) (facts.ManagedDevice, bool) {
	for _, md := range f.ManagedDevices {
		if !md.EnrolledDateTime.IsZero() && md.EnrolledDateTime.After(e.EventDateTime) &&
			(md.UserID == "" || strings.EqualFold(md.UserID, e.UserID)) {
			return md, true
		}
	}
	return facts.ManagedDevice{}, false
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
		return "the user's sign-in failed during enrollment. Check that the account is enabled and its password " +
			"current, and that Conditional Access or MFA did not block the sign-in to Intune enrollment."
	case "authorization":
		return "the user signed in but is not allowed to enroll. Usually the user has no Intune licence " +
			"(license.intune), is outside the MDM user scope (scope.mdm), or has reached a device limit " +
			"(devices.limits)."
	case "accountvalidation":
		return "the tenant's account could not be validated for enrollment: the account is blocked or enrollment is " +
			"not enabled. Check that the tenant's Intune subscription is active and that automatic enrollment is " +
			"configured (scope.mdm, scope.urls)."
	case "uservalidation":
		return "the user could not be validated: the user does not exist for Intune or has no licence. Assign a " +
			"licence with an Intune plan and wait until it shows as provisioned (license.intune)."
	case "devicenotsupported":
		return "the device is not supported for mobile device management. Check the Windows edition (Home editions " +
			"cannot join Microsoft Entra or enroll automatically) and version."
	case "inmaintenance":
		return "the Intune service was in maintenance for the tenant. Retry the enrollment later."
	case "badrequest":
		return "the device sent a request Intune did not understand. Install Windows updates and retry."
	case "featurenotsupported":
		return "the enrollment used a feature the tenant does not support. Check the enrollment method against the " +
			"tenant's licences and configuration."
	case "enrollmentrestrictionsenforced":
		return "an enrollment restriction blocked the device: a platform, personal-device or OS version restriction " +
			"(enrollment.restrictions) or the device limit (devices.limits)."
	case "clientdisconnected":
		return "the device timed out or the enrollment was cancelled. Check that the device reaches the Intune " +
			"endpoints (proxy, firewall) and retry."
	case "userabandonment":
		return "the user started the enrollment but did not finish it. Retry with the user and note the screen " +
			"where it stops."
	}
	return "Intune gives no category: read the failure reason, and give the correlation id to Microsoft support."
}

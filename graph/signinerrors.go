package graph

import (
	"fmt"
	"regexp"
)

// signInAdvice says what to do after a sign-in refused with an AADSTS code, for the codes that
// block a jump-host operator: a blocked flow, a blocked or misregistered client. The codes and their
// meanings: https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
var signInAdvice = map[string]string{
	// BlockedByConditionalAccess. Microsoft recommends a policy that blocks the device code flow
	// (https://learn.microsoft.com/en-us/entra/identity/conditional-access/policy-block-authentication-flows);
	// such a policy refuses the device code sign-in with this code.
	"53003": "a Conditional Access policy blocked this sign-in; if it blocks the device code flow, " +
		"sign in with --auth authcode through an SSH port forward instead; otherwise the sign-in logs name the policy",
	// "The request body must contain ... 'client_assertion' or 'client_secret'": the application is
	// not a public client.
	// https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/app-integration/confidential-client-application-authentication-error-aadsts7000218
	"7000218": "the application is not a public client: in its app registration, Authentication, set " +
		"\"Allow public client flows\" to Yes (or give --client-id of a registration that allows them)",
	// InvalidReplyTo: the redirect URI is not registered.
	"50011": "the application does not list the redirect URI: add http://localhost under \"Mobile and desktop " +
		"applications\" in its app registration (Entra ignores the port of a localhost URI)",
	// EntitlementGrantsNotFound: assignment required and the user is not assigned.
	"50105": "the tenant requires assignment to this application and you are not assigned: ask an admin to " +
		"assign you, or give --client-id of the tenant's own registration",
	// UnauthorizedClientApplicationDisabled.
	"7000112": "the application is disabled in this tenant: give --client-id of the tenant's own registration " +
		"(public client flows allowed, redirect URI http://localhost)",
	// Application not found in the directory.
	"700016": "the application is not known in this tenant or cloud: check --client-id, --tenant-id and --cloud",
	// ConsentRequired / admin consent required.
	"65001": "the application lacks consent for the permissions mdmdoctor asks: ask an admin to grant it",
	"90094": "an admin must grant consent to the application for the permissions mdmdoctor asks",
}

var aadsts = regexp.MustCompile(`AADSTS(\d+)`)

// explainSignIn adds what to do to a sign-in error that carries a known AADSTS code.
func explainSignIn(err error) error {
	if err == nil {
		return nil
	}
	m := aadsts.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	if advice, ok := signInAdvice[m[1]]; ok {
		return fmt.Errorf("AADSTS%s: %s: %w", m[1], advice, err)
	}
	return err
}

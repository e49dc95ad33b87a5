package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

const (
	registerDeviceAction = "urn:user:registerdevice"
	caReportOnly         = "enabledForReportingButNotEnforced"
)

// The rule of mfa.registration, from Microsoft's documentation:
//
//   - https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-conditional-access-cloud-apps#user-actions
//     "If a Conditional Access policy is configured with the Register or join devices user action, set ...
//     Require Multifactor Authentication to register or join devices ... to No. Otherwise, Conditional
//     Access policies with this user action aren't properly enforced." The conflict is the policy's
//     configuration, whatever its grant and whoever it covers: a tenant fact, which a user excluded
//     from the policy does not escape.
//   - Same page: "Require multifactor authentication and Require auth strength are the only access
//     controls available with this user action ... Windows Hello for Business and device-bound passkeys
//     aren't supported because those scenarios require the device to be already registered."
//   - https://learn.microsoft.com/en-us/entra/identity/devices/manage-device-identities#configure-device-settings
//     the device setting (default No) applies to Entra joined and registered devices, not hybrid joined.
//   - A policy for All resources: the documentation names two ways to require MFA when registering or
//     joining (the device setting and the user action) and does not state that a policy for all
//     resources applies to registering or joining a device. Such a policy is therefore not counted as
//     requiring MFA at registration; the result says so.
const mfaRegistrationDocs = "https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-conditional-access-cloud-apps#user-actions"

// conflictExplanation is the documented conflict, in words.
const conflictExplanation = "Microsoft documents that when a Conditional Access policy is configured with the " +
	"\"Register or join devices\" user action, the device setting \"Require Multifactor Authentication to register " +
	"or join devices\" must be No; otherwise the policy is not properly enforced. The conflict holds for the " +
	"whole tenant, whatever the policy grants and whoever it covers."

func mfaRegistrationCheck() Check {
	return Check{
		ID: "mfa.registration", Title: "MFA to register or join devices", Step: StepMFA, Modes: userOnly,
		Docs: mfaRegistrationDocs,
		Question: "Is MFA required to register or join devices, by exactly one of the device setting or " +
			"Conditional Access?",
		// SrcUser: policies name excluded users by object id. SrcCAExclusions: the fix it may offer
		// is planned from them, so they must have settled when the run ends.
		Needs: []facts.Source{facts.SrcRegistrationPolicy, facts.SrcConditionalAccess, facts.SrcMemberOf, facts.SrcUser, facts.SrcCAExclusions},
		Judge: judgeMFARegistration,
	}
}

// policyRequiresMFA reads multiFactorAuthConfiguration, including the old numeric payloads.
func policyRequiresMFA(p *facts.DeviceRegistrationPolicy) bool {
	return p != nil && (strings.EqualFold(p.MultiFactorAuthConfiguration, "required") || p.MultiFactorAuthConfiguration == "1")
}

// hasRegisterAction reports whether a CA policy is configured with the "Register or join devices"
// user action.
func hasRegisterAction(p facts.CAPolicy) bool {
	return containsFold(p.IncludeUserActions, registerDeviceAction)
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// forAllResources reports whether a CA policy targets All resources (formerly All cloud apps).
func forAllResources(p facts.CAPolicy) bool { return containsFold(p.IncludeApplications, "All") }

// coversEveryone reports whether a CA policy includes all users (exclusions such as break-glass
// accounts aside).
func coversEveryone(p facts.CAPolicy) bool { return containsFold(p.IncludeUsers, "All") }

// caCoversUser reports whether a CA policy's user conditions cover the triaged user, and if the
// user is excluded, by what.
func caCoversUser(f *facts.Facts, p facts.CAPolicy) (covered bool, excludedBy string) {
	uid := f.UserID()
	anyMember := func(ids []string) string {
		for _, id := range ids {
			if isMember(f, id) {
				return id
			}
		}
		return ""
	}
	switch {
	case containsFold(p.ExcludeUsers, uid):
		return false, "user " + uid
	case anyMember(p.ExcludeGroups) != "":
		return false, "group " + memberLabel(f, anyMember(p.ExcludeGroups))
	case anyMember(p.ExcludeRoles) != "":
		return false, "role " + facts.RoleName(anyMember(p.ExcludeRoles))
	}
	return coversEveryone(p) || containsFold(p.IncludeUsers, uid) || anyMember(p.IncludeGroups) != "" || anyMember(p.IncludeRoles) != "", ""
}

// registrationGrant says whether a policy's grant lets a user register or join a device after the
// MFA the join flow can do, and why not. Block stops registration for whoever it covers (the
// documented use: block outside trusted locations); any control other than MFA or an authentication
// strength the join flow can satisfy cannot be met by a device that is not registered yet.
func registrationGrant(p facts.CAPolicy) (mfa bool, blocked string) {
	if containsFold(p.BuiltInControls, "block") {
		return false, "it blocks registering or joining devices"
	}
	var ok, bad []string
	for _, c := range p.BuiltInControls {
		if strings.EqualFold(c, "mfa") {
			ok = append(ok, "MFA")
		} else {
			bad = append(bad, c)
		}
	}
	if p.AuthenticationStrength != "" {
		if why := strengthUnsatisfiable(p); why != "" {
			bad = append(bad, why)
		} else {
			ok = append(ok, "authentication strength "+quote(p.AuthenticationStrength))
		}
	}
	if len(p.TermsOfUse) > 0 {
		bad = append(bad, "terms of use")
	}
	switch {
	case len(ok) == 0 && len(bad) == 0:
		return false, ""
	case len(bad) == 0, len(ok) > 0 && !strings.EqualFold(p.GrantOperator, "AND"):
		return true, ""
	}
	return false, "its grant requires " + strings.Join(bad, " and ") + ", which a device cannot meet before it is " +
		"registered (only MFA and authentication strengths the join flow can satisfy work for this user action)"
}

// strengthUnsatisfiable says why the policy's authentication strength cannot be met while joining:
// every combination it allows needs Windows Hello for Business or a passkey (FIDO2), which the
// documentation says need the device to be registered already. "" when some combination can be met,
// or when Graph sent no combinations (then the name alone cannot tell, and the strength is trusted
// as the documented MFA strength is).
func strengthUnsatisfiable(p facts.CAPolicy) string {
	if len(p.AuthenticationCombinations) == 0 {
		return ""
	}
	for _, c := range p.AuthenticationCombinations {
		if !strings.Contains(strings.ToLower(c), "windowshelloforbusiness") && !strings.Contains(strings.ToLower(c), "fido2") {
			return ""
		}
	}
	return "authentication strength " + quote(p.AuthenticationStrength) + " (only Windows Hello for Business " +
		"or passkeys: " + strings.Join(p.AuthenticationCombinations, "; ") + ")"
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// policyNames lists quoted display names.
func policyNames(ps []facts.CAPolicy) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = quote(p.DisplayName)
	}
	return strings.Join(out, ", ")
}

// mfaScope is what differs between the user and the tenant judgments: whom a policy reaches.
type mfaScope struct {
	// who names the subject in summaries: "this user" or "every user".
	who string
	// reach says whether an enabled user-action policy reaches the subject: all of it (full), part
	// of it (some), and in words whom it misses.
	reach func(p facts.CAPolicy) (full, some bool, missed string)
}

// judgeMFA is the one judgment of mfa.registration; the user and the tenant runs differ only in scope.
func judgeMFA(f *facts.Facts, sc mfaScope) []Result {
	enabled, reportOnly, ev := registrationPolicies(f)
	if policyRequiresMFA(f.RegistrationPolicy) {
		return judgeMFASetting(f, sc, enabled, reportOnly, ev)
	}
	return judgeMFAConditionalAccess(f, sc, enabled, reportOnly, ev)
}

// registrationPolicies sorts the Conditional Access policies with the "Register or join devices" user
// action into enabled and report-only, with the evidence of the device setting and of every policy
// that bears on registration.
func registrationPolicies(f *facts.Facts) (enabled, reportOnly []facts.CAPolicy, ev []Evidence) {
	pol := f.RegistrationPolicy
	caSrc := requestOf(f, facts.SrcConditionalAccess, "GET /v1.0/identity/conditionalAccess/policies")
	setting := "notRequired"
	if pol != nil && pol.MultiFactorAuthConfiguration != "" {
		setting = pol.MultiFactorAuthConfiguration
	}
	ev = []Evidence{{Source: requestOf(f, facts.SrcRegistrationPolicy, "GET /v1.0/policies/deviceRegistrationPolicy"),
		Detail: "device setting \"Require MFA to register or join devices\" (the whole tenant; not hybrid joined " +
			"devices): multiFactorAuthConfiguration=" + setting}}

	for _, p := range f.CAPolicies {
		switch {
		case hasRegisterAction(p) && p.State == "enabled":
			enabled = append(enabled, p)
		case hasRegisterAction(p) && p.State == caReportOnly:
			reportOnly = append(reportOnly, p)
		case hasRegisterAction(p):
			ev = append(ev, Evidence{Source: caSrc, Detail: fmt.Sprintf("Conditional Access %q has the %s user "+
				"action but is %s", p.DisplayName, registerDeviceAction, p.State)})
		case p.State == "enabled" && forAllResources(p) && containsFold(p.BuiltInControls, "mfa"):
			ev = append(ev, Evidence{Source: caSrc, Detail: fmt.Sprintf("Conditional Access %q requires MFA for all "+
				"resources; Microsoft does not document that a policy for all resources applies when a device is "+
				"registered or joined (it documents the \"Register or join devices\" user action for that), so "+
				"it is not counted: %s", p.DisplayName, mfaRegistrationDocs)})
		}
	}
	for _, p := range append(slices.Clone(enabled), reportOnly...) {
		ev = append(ev, Evidence{Source: caSrc, Detail: fmt.Sprintf("Conditional Access %q (state %s) is configured "+
			"with %s; covers %s", p.DisplayName, p.State, registerDeviceAction, caCoverage(p))})
	}
	return enabled, reportOnly, ev
}

// judgeMFASetting is the verdict when the device setting requires MFA: right unless a Conditional
// Access policy has the user action too, the documented conflict.
func judgeMFASetting(f *facts.Facts, sc mfaScope, enabled, reportOnly []facts.CAPolicy, ev []Evidence) []Result {
	switch {
	case len(enabled) > 0:
		r := Result{Status: Fail, Evidence: ev, Explanation: conflictExplanation,
			Summary: fmt.Sprintf("The device setting requires MFA to register or join devices while Conditional "+
				"Access %s is configured with the \"Register or join devices\" user action: the documented conflict, "+
				"for every user of the tenant.", policyNames(enabled)),
			Remediation: "In the Entra admin center > Devices > Device settings, set \"Require Multifactor " +
				"Authentication to register or join devices\" to No, and let the Conditional Access policy " +
				"require MFA " +
				"(include All users in it, excluding only the emergency access accounts, if it covers fewer)."}
		if fx, ok := mfaPolicyFix(f, f.RegistrationPolicy); ok {
			r.Fixes = []Fix{fx}
		}
		return []Result{r}
	case len(reportOnly) > 0:
		return []Result{{Status: Warn, Evidence: ev, Explanation: conflictExplanation + " Report-only policies are " +
			"not enforced, so the conflict starts when the policy is switched on.",
			Summary: fmt.Sprintf("The device setting requires MFA, and report-only Conditional Access %s, "+
				"configured with the \"Register or join devices\" user action, would conflict with it once "+
				"switched on.", policyNames(reportOnly)),
			Remediation: "Before you switch the Conditional Access policy on, set \"Require Multifactor " +
				"Authentication to register or join devices\" to No in the Entra admin center > Devices > " +
				"Device settings."}}
	}
	return []Result{{Status: Pass, Evidence: ev, Summary: fmt.Sprintf("MFA to register or join devices is "+
		"required for %s by the device setting.", sc.who)}}
}

// judgeMFAConditionalAccess is the verdict when the device setting leaves MFA to Conditional Access:
// what the enabled policies with the user action grant, and whom they reach.
func judgeMFAConditionalAccess(f *facts.Facts, sc mfaScope, enabled, reportOnly []facts.CAPolicy,
	ev []Evidence) []Result {
	caSrc := requestOf(f, facts.SrcConditionalAccess, "GET /v1.0/identity/conditionalAccess/policies")
	var requiring, blocking, partial []facts.CAPolicy
	var missed []string
	for _, p := range enabled {
		full, some, miss := sc.reach(p)
		if !full && !some {
			if miss != "" {
				missed = append(missed, fmt.Sprintf("%q (%s)", p.DisplayName, miss))
			}
			continue
		}
		mfa, blocked := registrationGrant(p)
		switch {
		case blocked != "":
			blocking = append(blocking, p)
		case mfa && full:
			requiring = append(requiring, p)
		case mfa:
			partial = append(partial, p)
		}
	}
	// A block under a location condition is the documented way to keep registration to trusted
	// networks; anything else in blocking refuses every registration it covers.
	conditional := func(p facts.CAPolicy) bool {
		return containsFold(p.BuiltInControls, "block") && len(p.IncludeLocations) > 0
	}
	if hard := slices.DeleteFunc(slices.Clone(blocking), conditional); len(hard) > 0 {
		var why []string
		for _, p := range hard {
			_, blocked := registrationGrant(p)
			why = append(why, fmt.Sprintf("%q: %s", p.DisplayName, blocked))
		}
		return []Result{{Status: Fail, Evidence: ev,
			Summary: fmt.Sprintf("Conditional Access %s stops %s from registering or joining "+
				"devices: %s.", policyNames(hard), sc.who, strings.Join(why, "; ")),
			Explanation: "Microsoft documents that only \"Require multifactor authentication\" and \"Require " +
				"authentication strength\" work with the \"Register or join devices\" user action, and that Windows " +
				"Hello for Business and device-bound passkeys cannot be used because they need the device to be " +
				"registered already.",
			Remediation: "Change the policy's grant to Require multifactor authentication, or to an authentication " +
				"strength that allows a method other than Windows Hello for Business and passkeys (Entra admin " +
				"center > Protection > Conditional Access)."}}
	}
	for _, p := range blocking {
		// Only conditional blocks are left here.
		ev = append(ev, Evidence{Source: caSrc, Detail: fmt.Sprintf("Conditional Access %q blocks registering or "+
			"joining devices under its conditions (locations %s): registration is refused there, not "+
			"protected by MFA", p.DisplayName, listOr(p.IncludeLocations, "any"))})
	}
	switch {
	case len(requiring) > 0:
		return []Result{{Status: Pass, Evidence: ev, Summary: fmt.Sprintf("MFA to register or join devices is "+
			"required for %s by Conditional Access %s.", sc.who, policyNames(requiring))}}
	case len(partial) > 0:
		return []Result{{Status: Warn, Evidence: ev,
			Summary: fmt.Sprintf("Conditional Access %s requires MFA to register devices only for the users, "+
				"groups or roles it names; everyone else registers without MFA.", policyNames(partial)),
			Explanation: "The automatic enrollment procedure recommends requiring MFA for device registration so " +
				"that a stolen password cannot register a device; a policy limited to some groups leaves the " +
				"others open.",
			Remediation: "Unless the limit is intended (a pilot), include All users in the policy and exclude only " +
				"the emergency access accounts (Entra admin center > Protection > Conditional Access)."}}
	case len(missed) > 0:
		return []Result{{Status: Warn, Evidence: ev,
			Summary: fmt.Sprintf("Conditional Access %s requires MFA to register or join devices, "+
				"but not for %s.", strings.Join(missed, ", "), sc.who),
			Explanation: "Users left out of the policy, by its assignments or its exclusions (emergency access " +
				"accounts are excluded on purpose), register devices without MFA.",
			Remediation: "If the user is not an emergency access account, include them in the policy or remove the " +
				"exclusion that leaves them out (Entra admin center > Protection > Conditional Access)."}}
	}
	if slices.ContainsFunc(reportOnly, func(p facts.CAPolicy) bool { full, some, _ := sc.reach(p); return full || some }) {
		return []Result{{Status: Warn, Evidence: ev,
			Summary: fmt.Sprintf("Conditional Access %s would require MFA to register devices but is in "+
				"report-only mode.", policyNames(reportOnly)),
			Explanation: "Report-only policies are evaluated and logged, never enforced: devices are registered " +
				"without MFA.",
			Remediation: "Review the policy's sign-in logs, then set it to On in the Entra admin center > Protection " +
				"> Conditional Access."}}
	}
	r := Result{Status: Warn, Evidence: ev,
		Summary: fmt.Sprintf("Nothing requires MFA to register or join devices for %s.", sc.who),
		Explanation: "MFA is not required for enrollment by default, but the automatic enrollment procedure " +
			"recommends requiring it for device registration so that a stolen password cannot register a device. A " +
			"policy requiring MFA for all resources is not documented to apply when a device is " +
			"registered or joined.",
		Remediation: "Create a Conditional Access policy for All users (excluding the emergency access accounts) " +
			"with the user action \"Register or join devices\" granting access with MFA (Entra admin center > " +
			"Protection > Conditional Access), and leave the device setting at No.",
	}
	if len(reportOnly) == 0 {
		r.Fixes = []Fix{createCAReportOnlyFix(f)}
	}
	return []Result{r}
}

func listOr(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return strings.Join(list, ", ")
}

func judgeMFARegistration(f *facts.Facts) []Result {
	return judgeMFA(f, mfaScope{who: "this user", reach: func(p facts.CAPolicy) (bool, bool, string) {
		covered, excludedBy := caCoversUser(f, p)
		if excludedBy != "" {
			return false, false, "the user is excluded through " + excludedBy
		}
		if !covered {
			return false, false, "the user is not among those it includes"
		}
		return true, false, ""
	}})
}

// mfaPolicyFix plans a PUT of the whole policy with only multiFactorAuthConfiguration changed: omitting
// userDeviceQuota on update resets it to 0 and blocks every join, so the policy is sent back as read;
// no fix is offered when the policy as read is unavailable.
func mfaPolicyFix(f *facts.Facts, p *facts.DeviceRegistrationPolicy) (Fix, bool) {
	body, ok := withField(p.Raw, "multiFactorAuthConfiguration", "notRequired")
	if !ok {
		return Fix{}, false
	}
	return Fix{ID: "mfa.registration.policy-not-required", Title: "Set \"Require MFA to register or join devices\" " +
		"to No, keeping every other setting",
		Reversible: true, Permissions: []string{"Policy.ReadWrite.DeviceConfiguration"},
		Requests: []Request{PutRegistration(graphRoot(f.Cloud), body)}}, true
}

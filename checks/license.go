package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Service plans that grant what automatic enrollment needs, by GUID and name, from Microsoft's "Product
// names and service plan identifiers for licensing" (planReferenceDocs, as updated October 29, 2025).
// Judged by plan, never by SKU name: bundles (Microsoft 365 E3/E5/F1/F3, Business Premium, EMS, the
// government SKUs) carry them. Look-alikes that are not an Intune licence for MDM enrollment stay out:
// INTUNE_O365 (Mobility and Security for Office 365), Intune_Defender (security settings management of
// Defender for Endpoint), Intune_ServiceNow, and INTUNE_P2 (Intune Plan 2, an add-on on top of Plan 1).
const planReferenceDocs = "https://learn.microsoft.com/en-us/entra/identity/users/licensing-service-plan-reference"

// servicePlan is one documented service plan.
type servicePlan struct{ id, name, friendly string }

const planIntuneO365 = "882e1d05-acd1-4ccb-8708-6ee03664b117" // INTUNE_O365: Mobile Device Management for Office 365

// planKind tells which requirement a service plan meets: the plans known by GUID, and names whose GUID
// the reference did not give us (a match by name alone is said so, never a pass).
type planKind struct {
	plans     []servicePlan
	nameOnly  []string
	lookAlike []servicePlan
	label     string
	// check is the licence check that judges the kind.
	check string
}

var (
	entraPremiumPlans = planKind{label: "Microsoft Entra ID P1 or P2", check: "license.entra-premium", plans: []servicePlan{
		{"41781fb2-bc02-4b7c-bd55-b576c07bb09d", "AAD_PREMIUM", "Microsoft Entra ID P1"},
		{"eec0eb4f-6444-4f95-aba0-50c24d67f998", "AAD_PREMIUM_P2", "Microsoft Entra ID P2"},
	}, lookAlike: []servicePlan{
		{"de377cbc-0019-4ec2-b77c-3f223947e102", "AAD_SMB", "Microsoft Entra ID (not P1: Business Premium carries " +
			"AAD_PREMIUM beside it)"},
		{"c4da7f8a-5ee2-4c99-a7e1-87d2df57f6fe", "AAD_BASIC", "Microsoft Entra Basic"},
	}}
	intunePlans = planKind{label: "Microsoft Intune", check: "license.intune", plans: []servicePlan{
		{"c1ec4a95-1f05-45b3-a911-aa3fa01094f5", "INTUNE_A", "Microsoft Intune Plan 1"},
		{"d216f254-796f-4dab-bbfa-710686e646b9", "INTUNE_A_GOV", "Microsoft Intune G (Microsoft Intune Government)"},
		{"3e170737-c728-4eae-bbb9-3f3360f7184c", "INTUNE_A_VL", "Microsoft Intune Plan 1 A VL"},
		{"8e9ff0ff-aa7a-4b20-83c1-2f636b600ac2", "INTUNE_SMBIZ", "Microsoft Intune (Business Premium, Intune SMB)"},
	}, nameOnly: []string{"INTUNE_EDU"}, lookAlike: []servicePlan{
		{planIntuneO365, "INTUNE_O365", "Mobile Device Management for Office 365 (Basic Mobility and Security)"},
		{"1689aade-3d6a-4bfc-b017-46d2672df5ad", "Intune_Defender", "MDE_SecurityManagement (Defender for Endpoint " +
			"security settings)"},
		{"d9923fe3-a2de-4d29-a5be-e3e83bb786be", "INTUNE_P2", "Intune Plan 2 (an add-on that needs Plan 1)"},
		{"", "Intune_ServiceNow", "Intune ServiceNow connector"},
	}}
)

// planMatch is how a service plan meets a kind: by its GUID, or by its name alone.
type planMatch int

const (
	noMatch planMatch = iota
	byName
	byID
)

func (k planKind) match(p facts.ServicePlan) planMatch {
	for _, d := range k.plans {
		if strings.EqualFold(p.ServicePlanID, d.id) {
			return byID
		}
	}
	for _, d := range k.plans {
		if strings.EqualFold(p.ServicePlanName, d.name) {
			return byName
		}
	}
	for _, n := range k.nameOnly {
		if strings.EqualFold(p.ServicePlanName, n) {
			return byName
		}
	}
	return noMatch
}

func (k planKind) matches(p facts.ServicePlan) bool { return k.match(p) != noMatch }

// lookAlikeOf names the look-alike a plan is, if any.
func (k planKind) lookAlikeOf(p facts.ServicePlan) (servicePlan, bool) {
	for _, d := range k.lookAlike {
		if (d.id != "" && strings.EqualFold(p.ServicePlanID, d.id)) || strings.EqualFold(p.ServicePlanName, d.name) {
			return d, true
		}
	}
	return servicePlan{}, false
}

// lookAlikeEvidence says, for a user's licence or a tenant's subscription (sku), that a plan it
// carries looks like the kind but is not it; false when the plan is no look-alike.
func (k planKind) lookAlikeEvidence(src, sku string, p facts.ServicePlan) (Evidence, bool) {
	d, ok := k.lookAlikeOf(p)
	if !ok || k.matches(p) {
		return Evidence{}, false
	}
	return Evidence{Source: src, Detail: fmt.Sprintf("%s carries %s (%s), "+
		"which is not %s", sku, p.ServicePlanName, d.friendly, k.label)}, true
}

// licenceExamples names subscriptions that carry both plans, for remediations.
const licenceExamples = "(for example Microsoft 365 E3/E5, Business Premium or EMS)"

// skuUsable reports whether a subscription's plans still license users. Its capabilityStatus
// (https://learn.microsoft.com/en-us/graph/api/resources/subscribedsku): Enabled works; Warning has
// expired and still works in its grace period; Suspended, LockedOut and Deleted license no one.
func skuUsable(s facts.SubscribedSku) bool { return skuActive(s) || skuInGrace(s) }

// skuActive reports whether a subscription is Enabled (Graph may leave the status out).
func skuActive(s facts.SubscribedSku) bool {
	return s.CapabilityStatus == "" || strings.EqualFold(s.CapabilityStatus, "Enabled")
}

// skuInGrace reports whether a subscription is past its end date, in its grace period.
func skuInGrace(s facts.SubscribedSku) bool { return strings.EqualFold(s.CapabilityStatus, "Warning") }

const licenseDocs = "https://learn.microsoft.com/en-us/intune/intune-service/fundamentals/licenses-assign"

func entraPremiumCheck() Check {
	return Check{
		ID: "license.entra-premium", Title: "Entra ID P1 or P2 licence", Step: StepRequirements,
		Question: "Does the user hold a provisioned Microsoft Entra ID P1 or P2 plan?",
		Docs:     licenseDocs, Modes: userOnly, Source: planReferenceDocs,
		Needs: []facts.Source{facts.SrcLicenseDetails, facts.SrcSubscribedSkus},
		Judge: func(f *facts.Facts) []Result { return judgeLicense(f, entraPremiumPlans) },
	}
}

func intuneLicenseCheck() Check {
	return Check{
		ID: "license.intune", Title: "Intune licence", Step: StepRequirements,
		Question: "Does the user hold a provisioned Microsoft Intune plan?",
		Docs:     licenseDocs, Modes: userOnly, Source: planReferenceDocs,
		Needs: []facts.Source{facts.SrcLicenseDetails, facts.SrcSubscribedSkus},
		Judge: func(f *facts.Facts) []Result { return judgeLicense(f, intunePlans) },
	}
}

// The consequence of a missing licence, as Microsoft documents it for Entra join: "All users within the
// scope must have an appropriate license for your MDM. If not, the MDM enrollment fails and Microsoft
// Entra join is rolled back." (joinPlanDocs). Co-management: "You may not need to purchase and assign
// individual Intune or EMS licenses to your users" (coManagementLicenseDocs): Configuration Manager
// licences with Software Assurance carry Intune rights for co-managed Windows PCs since December 1, 2019,
// which Graph does not show.
const (
	joinPlanDocs            = "https://learn.microsoft.com/en-us/entra/identity/devices/device-join-plan#configure-your-mobility-settings"
	coManagementLicenseDocs = "https://learn.microsoft.com/en-us/mem/configmgr/comanage/overview#licensing"
)

func judgeLicense(f *facts.Facts, want planKind) []Result {
	src := f.Status(facts.SrcLicenseDetails).Endpoint
	var held, heldByName, unusable []string
	pending := false
	var ev []Evidence
	for _, l := range f.LicenseDetails {
		for _, p := range l.ServicePlans {
			m := want.match(p)
			if m == noMatch {
				if e, ok := want.lookAlikeEvidence(src, l.SkuPartNumber, p); ok {
					ev = append(ev, e)
				}
				continue
			}
			desc := fmt.Sprintf("%s carries %s (servicePlanId %s), "+
				"provisioningStatus %s", l.SkuPartNumber, p.ServicePlanName, valueOrNone(p.ServicePlanID),
				p.ProvisioningStatus)
			if m == byName {
				desc += "; recognised by its name only: its servicePlanId is not one Microsoft's licensing reference " +
					"gives for it"
			}
			ev = append(ev, Evidence{Source: src, Detail: desc})
			switch {
			case p.ProvisioningStatus == "Success" && m == byID:
				held = append(held, l.SkuPartNumber+"/"+p.ServicePlanName)
			case p.ProvisioningStatus == "Success":
				heldByName = append(heldByName, l.SkuPartNumber+"/"+p.ServicePlanName)
			default:
				unusable = append(unusable, fmt.Sprintf("%s in %s is %s", p.ServicePlanName, l.SkuPartNumber,
					p.ProvisioningStatus))
				pending = pending || strings.HasPrefix(p.ProvisioningStatus, "Pending")
			}
		}
	}
	if len(held) > 0 {
		return []Result{{Status: Pass, Summary: fmt.Sprintf("Holds %s through %s.", want.label,
			strings.Join(held, ", ")), Evidence: ev}}
	}
	if len(heldByName) > 0 {
		return []Result{{Status: Warn, Evidence: ev,
			Summary: fmt.Sprintf("Holds a plan named like %s (%s), but not by a service plan id Microsoft "+
				"documents for it.", want.label, strings.Join(heldByName, ", ")),
			Explanation: "mdmdoctor recognises licences by the service plan ids of Microsoft's " +
				"licensing reference (" + planReferenceDocs + "); a plan known only by its name may be a new or " +
				"regional variant, or not the plan it looks like.",
			Remediation: "Check in the Microsoft 365 admin center that the user's " +
				"licence includes " + want.label + "; if it does, the device should enroll."}}
	}
	if len(f.LicenseDetails) == 0 {
		ev = append(ev, Evidence{Source: src, Detail: "the user has no licences assigned"})
	} else {
		var skus []string
		for _, l := range f.LicenseDetails {
			skus = append(skus, l.SkuPartNumber)
		}
		ev = append(ev, Evidence{Source: src, Detail: "assigned SKUs: " + strings.Join(skus, ", ")})
	}
	tenantSkus := skusCarrying(f.SubscribedSkus, want)
	ev = append(ev, tenantSkuEvidence(f, tenantSkus, want)...)

	r := Result{Status: Fail, Evidence: ev,
		Explanation: fmt.Sprintf("Automatic MDM enrollment needs the user to hold %s. Microsoft documents the "+
			"consequence for an Entra join: the MDM enrollment fails and the Microsoft Entra join is rolled back "+
			"(%s); a registered (work account) device stays registered "+
			"without enrolling.", want.label, joinPlanDocs)}
	switch {
	case len(unusable) > 0:
		r.Summary = fmt.Sprintf("%s is assigned but not usable: %s.", want.label, strings.Join(unusable, "; "))
		r.Remediation = "In the Microsoft 365 admin center (or Entra admin center > Users > Licenses), open the " +
			"user's licence and turn the plan on; a Disabled plan was switched off at assignment, a Pending plan " +
			"needs the tenant's subscription to finish provisioning or an admin to activate it. Then wait a few " +
			"minutes and re-run the check."
	default:
		r.Summary = fmt.Sprintf("The user holds no %s plan.", want.label)
		r.Remediation = "Assign the user a licence " +
			"that includes " + want.label + " " + licenceExamples + " in the Microsoft 365 admin center or Entra " +
			"admin center > Users > Licenses. The user needs a usage location first."
	}
	path := PathOf(f)
	if want.label == intunePlans.label && path.has(facts.PathCoManage) {
		r.Evidence = append(r.Evidence, pathEvidence(path))
		note := " Co-management is different: Microsoft says you may not need to assign individual Intune licences " +
			"to users whose Windows PCs are co-managed, since Configuration Manager licences with Software Assurance " +
			"carry Intune rights for them (" + coManagementLicenseDocs + "); Graph does not show those rights."
		r.Explanation += note
		if path.only(facts.PathCoManage) {
			r.Status = Warn
			r.Summary = fmt.Sprintf("The user holds no %s plan; a co-managed PC may not need one.", want.label)
			r.Remediation = "If the organisation's Configuration Manager licences carry Software Assurance, nothing " +
				"to do for co-management; otherwise assign the user a licence that includes Microsoft Intune."
			return []Result{r}
		}
		r.Status = Warn
		r.Summary += " Every enrollment path but co-management needs one."
	}
	switch assignable := AssignableSkus(f, want.check); {
	case pending:
		// The plan is assigned and on its way; another licence would not provision it any sooner.
	case len(assignable) > 0:
		r.Fixes = []Fix{LicenseAssignFix(f, assignable[0])}
	case len(tenantSkus) == 0:
		r.Remediation += " The tenant has no subscription carrying " + want.label + ": buy one first."
	default:
		r.Remediation += " Every subscription carrying it is fully assigned: free a unit or buy more."
	}
	return []Result{r}
}

func skusCarrying(skus []facts.SubscribedSku, want planKind) []facts.SubscribedSku {
	var out []facts.SubscribedSku
	for _, s := range skus {
		for _, p := range s.ServicePlans {
			if want.matches(p) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

func tenantSkuEvidence(f *facts.Facts, skus []facts.SubscribedSku, want planKind) []Evidence {
	src := f.Status(facts.SrcSubscribedSkus).Endpoint
	if len(skus) == 0 {
		return []Evidence{{Source: src, Detail: "no subscribed SKU of the tenant carries " + want.label}}
	}
	var ev []Evidence
	for _, s := range skus {
		ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("tenant SKU %s (%s): %d of %d units "+
			"assigned, %d free", s.SkuPartNumber, s.CapabilityStatus, s.ConsumedUnits, s.EnabledUnits, s.FreeUnits())})
	}
	return ev
}

// SkuCarries reports whether a subscription carries a plan the licence check (license.entra-premium,
// license.intune) looks for, as the check judges plans: by id, or by a documented name.
func SkuCarries(s facts.SubscribedSku, check string) bool {
	for _, k := range []planKind{entraPremiumPlans, intunePlans} {
		if k.check == check {
			return slices.ContainsFunc(s.ServicePlans, k.matches)
		}
	}
	return false
}

// AssignableSkus are the subscriptions license.assign may assign for the licence checks named: in the
// tenant's order, those carrying a plan one of the checks looks for, active (never one in its grace
// period), with a unit free, and not held by the user already (assigning one again changes nothing).
func AssignableSkus(f *facts.Facts, checks ...string) []facts.SubscribedSku {
	var held []string
	for _, l := range f.LicenseDetails {
		held = append(held, strings.ToLower(l.SkuID))
	}
	if f.User != nil {
		for _, s := range f.User.AssignedLicenseSkus {
			held = append(held, strings.ToLower(s))
		}
	}
	var out []facts.SubscribedSku
	for _, s := range f.SubscribedSkus {
		if slices.Contains(held, strings.ToLower(s.SkuID)) || s.FreeUnits() <= 0 || !skuActive(s) {
			continue
		}
		if slices.ContainsFunc(checks, func(c string) bool { return SkuCarries(s, c) }) {
			out = append(out, s)
		}
	}
	return out
}

// LicenseAssignFix plans assigning the user a licence of sku with every plan on, removing none: the
// check's plan, and the one fix makes of the SKU the operator chooses.
func LicenseAssignFix(f *facts.Facts, sku facts.SubscribedSku) Fix {
	// The service answers 400 unless both lists are present.
	body, _ := json.Marshal(map[string]any{"addLicenses": []any{map[string]any{"skuId": sku.SkuID, "disabledPlans": []string{}}},
		"removeLicenses": []string{}})
	return Fix{
		ID: "license.assign", Title: fmt.Sprintf("Assign %s (%d free units) to the user", sku.SkuPartNumber,
			sku.FreeUnits()), Reversible: true, Permissions: []string{"LicenseAssignment.ReadWrite.All"},
		Requests: []Request{AssignLicense(graphRoot(f.Cloud), f.UserID(), body)},
	}
}

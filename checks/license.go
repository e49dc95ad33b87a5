package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Service plans that grant what automatic enrollment needs. Judged by plan, never by SKU name: bundles
// (Microsoft 365 E3/E5/Business Premium, EMS) carry them.
const (
	planAADPremium   = "41781fb2-bc02-4b7c-bd55-b576c07bb09d" // AAD_PREMIUM (Entra ID P1)
	planAADPremiumP2 = "eec0eb4f-6444-4f95-aba0-50c24d67f998" // AAD_PREMIUM_P2 (Entra ID P2)
	planIntuneA      = "c1ec4a95-1f05-45b3-a911-aa3fa01094f5" // INTUNE_A (Intune Plan 1)
	planIntuneO365   = "882e1d05-acd1-4ccb-8708-6ee03664b117" // INTUNE_O365: basic mobility, not Intune
)

// planKind tells which requirement a service plan meets.
type planKind struct {
	ids   []string
	names []string
	label string
}

var (
	entraPremiumPlans = planKind{ids: []string{planAADPremium, planAADPremiumP2}, names: []string{"AAD_PREMIUM", "AAD_PREMIUM_P2"}, label: "Microsoft Entra ID P1 or P2"}
	intunePlans       = planKind{ids: []string{planIntuneA}, names: []string{"INTUNE_A", "INTUNE_A_VL", "INTUNE_EDU", "INTUNE_SMBIZ"}, label: "Microsoft Intune"}
)

func (k planKind) matches(p facts.ServicePlan) bool {
	for _, id := range k.ids {
		if strings.EqualFold(p.ServicePlanID, id) {
			return true
		}
	}
	for _, n := range k.names {
		if strings.EqualFold(p.ServicePlanName, n) {
			return true
		}
	}
	return false
}

const licenseDocs = "https://learn.microsoft.com/en-us/intune/intune-service/fundamentals/licenses-assign"

func entraPremiumCheck() Check {
	return Check{
		ID: "license.entra-premium", Title: "Entra ID P1 or P2 licence", Step: StepRequirements,
		Question: "Does the user hold a provisioned Microsoft Entra ID P1 or P2 plan?",
		Docs:     licenseDocs, Modes: userOnly,
		Needs: []facts.Source{facts.SrcLicenseDetails, facts.SrcSubscribedSkus},
		Judge: func(f *facts.Facts) []Result { return judgeLicense(f, entraPremiumPlans) },
	}
}

func intuneLicenseCheck() Check {
	return Check{
		ID: "license.intune", Title: "Intune licence", Step: StepRequirements,
		Question: "Does the user hold a provisioned Microsoft Intune plan?",
		Docs:     licenseDocs, Modes: userOnly,
		Needs: []facts.Source{facts.SrcLicenseDetails, facts.SrcSubscribedSkus},
		Judge: func(f *facts.Facts) []Result { return judgeLicense(f, intunePlans) },
	}
}

func judgeLicense(f *facts.Facts, want planKind) []Result {
	src := f.Status(facts.SrcLicenseDetails).Endpoint
	var held, unusable []string
	pending := false
	var ev []Evidence
	for _, l := range f.LicenseDetails {
		for _, p := range l.ServicePlans {
			if !want.matches(p) {
				continue
			}
			desc := fmt.Sprintf("%s carries %s, provisioningStatus %s", l.SkuPartNumber, p.ServicePlanName, p.ProvisioningStatus)
			ev = append(ev, Evidence{Source: src, Detail: desc})
			if p.ProvisioningStatus == "Success" {
				held = append(held, l.SkuPartNumber+"/"+p.ServicePlanName)
			} else {
				unusable = append(unusable, fmt.Sprintf("%s in %s is %s", p.ServicePlanName, l.SkuPartNumber, p.ProvisioningStatus))
				pending = pending || strings.HasPrefix(p.ProvisioningStatus, "Pending")
			}
		}
	}
	if len(held) > 0 {
		return []Result{{Status: Pass, Summary: fmt.Sprintf("Holds %s through %s.", want.label, strings.Join(held, ", ")), Evidence: ev}}
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
	if want.label == intunePlans.label {
		for _, l := range f.LicenseDetails {
			for _, p := range l.ServicePlans {
				if strings.EqualFold(p.ServicePlanID, planIntuneO365) || strings.EqualFold(p.ServicePlanName, "INTUNE_O365") {
					ev = append(ev, Evidence{Source: src, Detail: l.SkuPartNumber + " carries INTUNE_O365 (Basic Mobility and Security), which is not an Intune licence"})
				}
			}
		}
	}
	tenantSkus := skusCarrying(f.SubscribedSkus, want)
	assignable := notHeld(tenantSkus, f.LicenseDetails)
	ev = append(ev, tenantSkuEvidence(f, tenantSkus, want)...)

	r := Result{Status: Fail, Evidence: ev,
		Explanation: fmt.Sprintf("Automatic MDM enrollment needs the user to hold %s. Without a provisioned plan Windows joins or registers the device in Entra ID but never enrolls it in Intune.", want.label)}
	switch {
	case len(unusable) > 0:
		r.Summary = fmt.Sprintf("%s is assigned but not usable: %s.", want.label, strings.Join(unusable, "; "))
		r.Remediation = "In the Microsoft 365 admin center (or Entra admin center > Users > Licenses), open the user's licence and turn the plan on; a Disabled plan was switched off at assignment, a Pending plan needs the tenant's subscription to finish provisioning or an admin to activate it. Then wait a few minutes and re-run the check."
	default:
		r.Summary = fmt.Sprintf("The user holds no %s plan.", want.label)
		r.Remediation = "Assign the user a licence that includes " + want.label + " (for example Microsoft 365 E3/E5, Business Premium or EMS) in the Microsoft 365 admin center or Entra admin center > Users > Licenses. The user needs a usage location first."
	}
	switch free := firstWithFreeUnits(assignable); {
	case pending:
		// The plan is assigned and on its way; another licence would not provision it any sooner.
	case free != nil:
		r.Fixes = []Fix{licenseAssignFix(f, *free)}
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
		ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("tenant SKU %s (%s): %d of %d units assigned, %d free", s.SkuPartNumber, s.CapabilityStatus, s.ConsumedUnits, s.EnabledUnits, s.FreeUnits())})
	}
	return ev
}

// notHeld drops the SKUs the user already holds: assigning one again would change nothing.
func notHeld(skus []facts.SubscribedSku, held []facts.LicenseDetail) []facts.SubscribedSku {
	var out []facts.SubscribedSku
	for _, s := range skus {
		if !slices.ContainsFunc(held, func(l facts.LicenseDetail) bool { return strings.EqualFold(l.SkuID, s.SkuID) }) {
			out = append(out, s)
		}
	}
	return out
}

func firstWithFreeUnits(skus []facts.SubscribedSku) *facts.SubscribedSku {
	for i := range skus {
		if skus[i].FreeUnits() > 0 && (skus[i].CapabilityStatus == "" || skus[i].CapabilityStatus == "Enabled") {
			return &skus[i]
		}
	}
	return nil
}

func licenseAssignFix(f *facts.Facts, sku facts.SubscribedSku) Fix {
	user := f.Target.User
	if f.User != nil && f.User.ID != "" {
		user = f.User.ID
	}
	body := fmt.Sprintf(`{"addLicenses":[{"skuId":%q,"disabledPlans":[]}],"removeLicenses":[]}`, sku.SkuID)
	return Fix{
		ID: "license.assign", Title: fmt.Sprintf("Assign %s (%d free units) to the user", sku.SkuPartNumber, sku.FreeUnits()),
		Reversible: true, Permissions: []string{"LicenseAssignment.ReadWrite.All"},
		Requests: []Request{{Method: "POST", URL: graphURL(f.Cloud, "/v1.0/users/"+user+"/assignLicense"), Body: []byte(body)}},
	}
}

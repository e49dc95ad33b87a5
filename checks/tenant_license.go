package checks

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// tenantLicenseCheck judges, for the whole tenant, whether it has bought a plan of the kind and can
// still assign it: a subscription carrying the plan that is active and has free units.
func tenantLicenseCheck(user Check, want planKind) Check {
	return asTenantCheck(user, "Has the tenant a subscription carrying "+want.label+", active and with units "+
		"free to assign?",
		[]facts.Source{facts.SrcSubscribedSkus},
		func(f *facts.Facts) []Result { return judgeTenantLicense(f, want) })
}

func judgeTenantLicense(f *facts.Facts, want planKind) []Result {
	src := requestOf(f, facts.SrcSubscribedSkus, "GET /v1.0/subscribedSkus")
	skus := skusCarrying(f.SubscribedSkus, want)
	ev := tenantSkuEvidence(f, skus, want)
	for _, s := range f.SubscribedSkus {
		for _, p := range s.ServicePlans {
			if e, ok := want.lookAlikeEvidence(src, s.SkuPartNumber, p); ok {
				ev = append(ev, e)
			}
		}
	}
	why := fmt.Sprintf("Automatic MDM enrollment needs every enrolling user to hold %s. The tenant can only assign "+
		"it through a subscription that carries the plan.", want.label)
	var usable, free, grace []string
	for _, s := range skus {
		if !skuUsable(s) {
			continue
		}
		usable = append(usable, s.SkuPartNumber)
		if s.FreeUnits() > 0 {
			free = append(free, fmt.Sprintf("%s (%d free)", s.SkuPartNumber, s.FreeUnits()))
		}
		if skuInGrace(s) {
			grace = append(grace, s.SkuPartNumber)
		}
	}
	switch {
	case len(skus) == 0:
		return []Result{{Status: Fail, Evidence: ev, Explanation: why,
			Summary: fmt.Sprintf("The tenant has no subscription carrying %s.", want.label),
			Remediation: fmt.Sprintf("Buy a subscription that includes %s %s in the Microsoft 365 admin center > "+
				"Billing > Purchase services, then assign it to the users who "+
				"enroll devices.", want.label, licenceExamples)}}
	case len(usable) == 0:
		return []Result{{Status: Fail, Evidence: ev, Explanation: why + " A suspended, locked-out or deleted " +
			"subscription no longer licenses anyone.",
			Summary: fmt.Sprintf("Every subscription carrying %s is inactive.", want.label),
			Remediation: "In the Microsoft 365 admin center > Billing > Your products, reactivate or renew the " +
				"subscription (or buy a new one), then check the users' licences."}}
	case len(grace) > 0 && len(grace) == len(usable):
		return []Result{{Status: Warn, Evidence: ev, Explanation: why + " A subscription in the Warning state has " +
			"expired and still works during its grace period; then it stops licensing users.",
			Summary: fmt.Sprintf("%s is carried only by subscriptions past their "+
				"end date (%s).", want.label, strings.Join(grace, ", ")),
			Remediation: "Renew the subscription in the Microsoft 365 admin center > Billing > Your products before " +
				"the grace period ends."}}
	case len(free) == 0:
		return []Result{{Status: Warn, Evidence: ev, Explanation: why + " Users who hold it already keep it; a new " +
			"user cannot get it.",
			Summary: fmt.Sprintf("Every unit of the subscriptions carrying %s is assigned: no new user can "+
				"be licensed.", want.label),
			Remediation: "Free units (remove licences from departed users) or buy more in the Microsoft 365 admin " +
				"center > Billing > Your products."}}
	}
	return []Result{{Status: Pass, Evidence: ev,
		Summary: fmt.Sprintf("The tenant can assign %s: %s.", want.label, strings.Join(free, ", "))}}
}

package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func plan(id, name, status string) facts.ServicePlan {
	return facts.ServicePlan{ServicePlanID: id, ServicePlanName: name, ProvisioningStatus: status, AppliesTo: "User"}
}

func TestLicenseChecks(t *testing.T) {
	e5 := facts.LicenseDetail{SkuID: "06ebc4ee-1bb5-47dd-8120-11324bc54e06", SkuPartNumber: "SPE_E5", ServicePlans: []facts.ServicePlan{
		plan(planAADPremium, "AAD_PREMIUM", "Success"), plan(planAADPremiumP2, "AAD_PREMIUM_P2", "Success"), plan(planIntuneA, "INTUNE_A", "Success")}}
	basic := facts.LicenseDetail{SkuID: "3b555118-da6a-4418-894f-7df1e2096870", SkuPartNumber: "O365_BUSINESS_ESSENTIALS", ServicePlans: []facts.ServicePlan{
		plan(planIntuneO365, "INTUNE_O365", "PendingActivation")}}
	pending := facts.LicenseDetail{SkuID: "x", SkuPartNumber: "EMS", ServicePlans: []facts.ServicePlan{
		plan(planAADPremium, "AAD_PREMIUM", "Success"), plan(planIntuneA, "INTUNE_A", "PendingProvisioning")}}
	disabled := facts.LicenseDetail{SkuID: "y", SkuPartNumber: "SPE_E3", ServicePlans: []facts.ServicePlan{
		plan(planAADPremium, "AAD_PREMIUM", "Disabled"), plan(planIntuneA, "INTUNE_A", "Disabled")}}
	tenantFree := []facts.SubscribedSku{{SkuID: "06ebc4ee-1bb5-47dd-8120-11324bc54e06", SkuPartNumber: "SPE_E5", CapabilityStatus: "Enabled", EnabledUnits: 10, ConsumedUnits: 4,
		ServicePlans: e5.ServicePlans}}
	tenantFull := []facts.SubscribedSku{{SkuID: "s", SkuPartNumber: "EMS", CapabilityStatus: "Enabled", EnabledUnits: 5, ConsumedUnits: 5, ServicePlans: pending.ServicePlans}}

	for _, tc := range []struct {
		name     string
		id       string
		licences []facts.LicenseDetail
		tenant   []facts.SubscribedSku
		want     Status
		wantText string
		wantFix  bool
	}{
		{"E5 holds Entra premium", "license.entra-premium", []facts.LicenseDetail{e5}, tenantFree, Pass, "SPE_E5/AAD_PREMIUM", false},
		{"E5 holds Intune", "license.intune", []facts.LicenseDetail{e5}, tenantFree, Pass, "INTUNE_A", false},
		{"INTUNE_O365 is not Intune", "license.intune", []facts.LicenseDetail{basic}, tenantFree, Fail, "INTUNE_O365", true},
		{"no licence at all", "license.entra-premium", nil, tenantFree, Fail, "no licences", true},
		{"pending Intune plan is not a licence", "license.intune", []facts.LicenseDetail{pending}, tenantFull, Fail, "PendingProvisioning", false},
		{"pending Intune with Entra fine", "license.entra-premium", []facts.LicenseDetail{pending}, tenantFull, Pass, "AAD_PREMIUM", false},
		{"disabled plans are not licences", "license.entra-premium", []facts.LicenseDetail{disabled}, tenantFree, Fail, "Disabled", true},
		{"tenant without the SKU", "license.intune", nil, nil, Fail, "no subscribed SKU", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("bob@contoso.com")
			f.LicenseDetails, f.SubscribedSkus = tc.licences, tc.tenant
			r := judgeOne(t, tc.id, f)
			if r.Status != tc.want {
				t.Fatalf("status %s, want %s: %s", r.Status, tc.want, r.Summary)
			}
			all := r.Summary + " " + r.Remediation
			for _, e := range r.Evidence {
				all += " " + e.Detail
			}
			if !strings.Contains(all, tc.wantText) {
				t.Errorf("want %q in the result, got %s", tc.wantText, all)
			}
			if got := hasFix(r, "license.assign"); got != tc.wantFix {
				t.Errorf("license.assign offered = %v, want %v", got, tc.wantFix)
			}
		})
	}
}

func TestLicenseAssignFixBody(t *testing.T) {
	f := userFacts("bob@contoso.com")
	f.SubscribedSkus = []facts.SubscribedSku{{SkuID: "sku-1", SkuPartNumber: "SPE_E5", CapabilityStatus: "Enabled", EnabledUnits: 2, ConsumedUnits: 1,
		ServicePlans: []facts.ServicePlan{plan(planIntuneA, "INTUNE_A", "Success")}}}
	r := judgeOne(t, "license.intune", f)
	rq := r.Fixes[0].Requests[0]
	if rq.Method != "POST" || rq.URL != "https://graph.microsoft.com/v1.0/users/u-1/assignLicense" {
		t.Errorf("request %s %s", rq.Method, rq.URL)
	}
	// The service answers 400 unless both lists are present; nothing may be removed.
	if string(rq.Body) != `{"addLicenses":[{"skuId":"sku-1","disabledPlans":[]}],"removeLicenses":[]}` {
		t.Errorf("body %s", rq.Body)
	}
}

package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Service plan ids from Microsoft's "Product names and service plan identifiers for licensing".
const (
	planAADPremium   = "41781fb2-bc02-4b7c-bd55-b576c07bb09d"
	planAADPremiumP2 = "eec0eb4f-6444-4f95-aba0-50c24d67f998"
	planIntuneA      = "c1ec4a95-1f05-45b3-a911-aa3fa01094f5"
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
			f.Target.Path = facts.PathJoin
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
	if rq.Method() != "POST" || rq.URL() != "https://graph.microsoft.com/v1.0/users/u-1/assignLicense" {
		t.Errorf("request %s %s", rq.Method(), rq.URL())
	}
	// The service answers 400 unless both lists are present; nothing may be removed.
	if string(rq.Body) != `{"addLicenses":[{"disabledPlans":[],"skuId":"sku-1"}],"removeLicenses":[]}` {
		t.Errorf("body %s", rq.Body)
	}
}

// One SKU per family, as Microsoft's licensing reference lists its service plans (GUID and name), and
// the look-alikes that are not Intune or Entra ID P1/P2.
func TestLicencePlanFamilies(t *testing.T) {
	sku := func(part string, plans ...facts.ServicePlan) facts.LicenseDetail {
		return facts.LicenseDetail{SkuID: "sku-" + part, SkuPartNumber: part, ServicePlans: plans}
	}
	ok := "Success"
	for _, tc := range []struct {
		name    string
		id      string
		licence facts.LicenseDetail
		want    Status
	}{
		{"Microsoft Intune Government (INTUNE_A_GOV)", "license.intune", sku("INTUNE_A_GOV", plan("922ba911-5694-4e99-a794-73aed9bfeec8", "EXCHANGE_S_FOUNDATION_GOV", ok), plan("d216f254-796f-4dab-bbfa-710686e646b9", "INTUNE_A_GOV", ok)), Pass},
		{"Microsoft Intune Plan 1 A VL", "license.intune", sku("INTUNE_A_VL", plan("3e170737-c728-4eae-bbb9-3f3360f7184c", "INTUNE_A_VL", ok)), Pass},
		{"Microsoft Intune SMB (INTUNE_SMBIZ)", "license.intune", sku("INTUNE_SMB", plan("de377cbc-0019-4ec2-b77c-3f223947e102", "AAD_SMB", ok), plan("8e9ff0ff-aa7a-4b20-83c1-2f636b600ac2", "INTUNE_SMBIZ", ok)), Pass},
		{"Microsoft 365 Business Premium", "license.intune", sku("SPB", plan(planIntuneA, "INTUNE_A", ok), plan("8e9ff0ff-aa7a-4b20-83c1-2f636b600ac2", "INTUNE_SMBIZ", ok)), Pass},
		{"Microsoft 365 F1 (Intune Plan 1)", "license.intune", sku("M365_F1_COMM", plan(planIntuneA, "INTUNE_A", ok), plan("882e1d05-acd1-4ccb-8708-6ee03664b117", "INTUNE_O365", ok)), Pass},
		{"Microsoft Intune Suite alone: INTUNE_P2 needs Plan 1", "license.intune", sku("Microsoft_Intune_Suite", plan("d9923fe3-a2de-4d29-a5be-e3e83bb786be", "INTUNE_P2", ok), plan("bb73f429-78ef-4ff2-83c8-722b04c3e7d1", "Intune-EPM", ok)), Fail},
		{"Defender for Endpoint P1: Intune_Defender is not Intune", "license.intune", sku("DEFENDER_ENDPOINT_P1", plan("1689aade-3d6a-4bfc-b017-46d2672df5ad", "Intune_Defender", ok)), Fail},
		{"Office 365 E3: INTUNE_O365 is not Intune", "license.intune", sku("ENTERPRISEPACK", plan("882e1d05-acd1-4ccb-8708-6ee03664b117", "INTUNE_O365", ok)), Fail},
		{"a name alone is not a documented plan", "license.intune", sku("MYSTERY", plan("00000000-0000-0000-0000-000000000001", "INTUNE_A", ok)), Warn},
		{"Microsoft Entra ID P1 (AAD_PREMIUM)", "license.entra-premium", sku("AAD_PREMIUM", plan(planAADPremium, "AAD_PREMIUM", ok)), Pass},
		{"Microsoft Entra ID P2 (AAD_PREMIUM_P2)", "license.entra-premium", sku("AAD_PREMIUM_P2", plan(planAADPremiumP2, "AAD_PREMIUM_P2", ok)), Pass},
		{"Microsoft 365 E5_USGOV_GCCHIGH", "license.entra-premium", sku("SPE_E5_USGOV_GCCHIGH", plan(planAADPremium, "AAD_PREMIUM", ok), plan(planAADPremiumP2, "AAD_PREMIUM_P2", ok)), Pass},
		{"Intune SMB's AAD_SMB is not P1", "license.entra-premium", sku("INTUNE_SMB", plan("de377cbc-0019-4ec2-b77c-3f223947e102", "AAD_SMB", ok)), Fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("gail@contoso.us")
			f.Target.Path = facts.PathJoin
			f.LicenseDetails = []facts.LicenseDetail{tc.licence}
			r := judgeOne(t, tc.id, f)
			if r.Status != tc.want {
				t.Fatalf("%s: %s %q, want %s\n%+v", tc.name, r.Status, r.Summary, tc.want, r.Evidence)
			}
		})
	}
}

// Co-management does not need a per-user Intune licence where Configuration Manager licences carry the
// rights; no licence is offered for it, and with the path unknown the verdict depends on it.
func TestIntuneLicenceCoManagement(t *testing.T) {
	tenant := []facts.SubscribedSku{{SkuID: "sku-e5", SkuPartNumber: "SPE_E5", CapabilityStatus: "Enabled", EnabledUnits: 10, ConsumedUnits: 1,
		ServicePlans: []facts.ServicePlan{plan(planIntuneA, "INTUNE_A", "Success")}}}
	for _, tc := range []struct {
		path    facts.EnrollmentPath
		want    Status
		wantFix bool
	}{
		{facts.PathCoManage, Warn, false},
		{facts.PathUnknown, Warn, true},
		{facts.PathGPO, Fail, true},
		{facts.PathJoin, Fail, true},
	} {
		f := userFacts("hal@contoso.com")
		f.Target.Path, f.SubscribedSkus = tc.path, tenant
		r := judgeOne(t, "license.intune", f)
		if r.Status != tc.want || hasFix(r, "license.assign") != tc.wantFix {
			t.Errorf("path %q: %s (fix %v) %q, want %s (fix %v)", tc.path, r.Status, hasFix(r, "license.assign"), r.Summary, tc.want, tc.wantFix)
		}
		if tc.path != facts.PathGPO && tc.path != facts.PathJoin && !strings.Contains(r.Explanation, "co-managed") {
			t.Errorf("path %q: the explanation does not say why co-management differs: %s", tc.path, r.Explanation)
		}
		if !strings.Contains(r.Explanation, "Entra join is rolled back") {
			t.Errorf("path %q: the documented consequence is not stated: %s", tc.path, r.Explanation)
		}
	}
}

// TestAssignableSkus: the subscriptions license.assign may assign, for the check and for fix alike: a
// plan the check counts (a government Intune plan too), active, a unit free, not held by the user by
// licenseDetails or by assignedLicenses.
func TestAssignableSkus(t *testing.T) {
	f := userFacts("bob@contoso.com")
	f.User.AssignedLicenseSkus = []string{"SKU-HELD"}
	sku := func(id, status string, free int, plans ...facts.ServicePlan) facts.SubscribedSku {
		return facts.SubscribedSku{SkuID: id, SkuPartNumber: id, CapabilityStatus: status, EnabledUnits: 10, ConsumedUnits: 10 - free,
			ServicePlans: plans}
	}
	f.SubscribedSkus = []facts.SubscribedSku{
		sku("sku-gov", "Enabled", 1, plan("d216f254-796f-4dab-bbfa-710686e646b9", "INTUNE_A_GOV", "Success")),
		sku("sku-grace", "Warning", 5, plan(planIntuneA, "INTUNE_A", "Success")),
		sku("sku-full", "Enabled", 0, plan(planIntuneA, "INTUNE_A", "Success")),
		sku("sku-held", "Enabled", 5, plan(planIntuneA, "INTUNE_A", "Success")),
		sku("sku-o365", "Enabled", 5, plan(planIntuneO365, "INTUNE_O365", "Success")),
		sku("sku-p1", "", 5, plan(planAADPremium, "AAD_PREMIUM", "Success")),
	}
	var got []string
	for _, s := range AssignableSkus(f, "license.intune") {
		got = append(got, s.SkuID)
	}
	if strings.Join(got, ",") != "sku-gov" {
		t.Errorf("assignable for license.intune: %v, want [sku-gov]", got)
	}
	got = nil
	for _, s := range AssignableSkus(f, "license.intune", "license.entra-premium") {
		got = append(got, s.SkuID)
	}
	if strings.Join(got, ",") != "sku-gov,sku-p1" {
		t.Errorf("assignable for both checks: %v, want [sku-gov sku-p1]", got)
	}
}

package checks

import (
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The rule of tenant.mdm-authority: "MDM authority not defined" and "Looks like your IT admin hasn't
// set an MDM authority" come from a tenant whose mobile device management authority is not set
// (troubleshoot-device-enrollment-in-intune); Intune enrolls Windows devices when the authority is
// Intune (mdm-authority-set). Graph reports it as the organization's mobileDeviceManagementAuthority:
// unknown, intune, sccm or office365 (the mdmAuthority enum).
const mdmAuthorityDocs = "https://learn.microsoft.com/en-us/troubleshoot/mem/intune/device-enrollment/troubleshoot-device-enrollment-in-intune#mdm-authority-not-defined"

func mdmAuthorityCheck() Check {
	return Check{
		ID: "tenant.mdm-authority", Title: "MDM authority is Intune", Step: StepRequirements, Modes: userAndTenant,
		Question: "Is the tenant's mobile device management authority set to Intune?",
		Docs:     mdmAuthorityDocs,
		Needs:    []facts.Source{facts.SrcMDMAuthority},
		Judge:    judgeMDMAuthority,
	}
}

func judgeMDMAuthority(f *facts.Facts) []Result {
	ev := []Evidence{{Source: requestOf(f, facts.SrcMDMAuthority, "GET /v1.0/organization"),
		Detail: "mobileDeviceManagementAuthority: " + valueOrNone(f.MDMAuthority)}}
	set := "In the Intune admin center go to Tenant administration > Tenant status and set the MDM authority to " +
		"Microsoft Intune (https://learn.microsoft.com/en-us/mem/intune/fundamentals/mdm-authority-set)."
	switch strings.ToLower(f.MDMAuthority) {
	case "intune":
		return []Result{{Status: Pass, Evidence: ev, Summary: "The tenant's MDM authority is Intune."}}
	case "unknown":
		return []Result{{Status: Fail, Evidence: ev,
			Summary: "The tenant's MDM authority is not set (unknown).",
			Explanation: "Until the mobile device management authority is set, Intune enrolls no device: users read " +
				"\"MDM authority not defined\" or \"Looks like your IT admin hasn't set an MDM authority\".",
			Remediation: set}}
	case "":
		return []Result{{Status: Warn, Evidence: ev,
			Summary: "Graph returned no MDM authority for the tenant, so mdmdoctor cannot say whether " +
				"it is Intune.",
			Explanation: "The organization was read but without its mobileDeviceManagementAuthority; the property is " +
				"documented for tenants with an Intune licence.",
			Remediation: "Look in the Intune admin center under Tenant administration > Tenant status: the MDM " +
				"authority should be Microsoft Intune."}}
	}
	return []Result{{Status: Warn, Evidence: ev,
		Summary: "The tenant's MDM authority is " + f.MDMAuthority + ", not Intune.",
		Explanation: "Microsoft's enrollment guidance expects Intune as the MDM " +
			"authority; with " + f.MDMAuthority + " (Configuration Manager or Basic Mobility and Security) Windows " +
			"automatic enrollment into Intune is not what the tenant is set up for. mdmdoctor found no " +
			"documentation of how each combination behaves, so it warns rather than fails.",
		Remediation: set}}
}

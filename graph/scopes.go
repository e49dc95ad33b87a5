package graph

import (
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// ReadScopes are the delegated Microsoft Graph permissions mdmdoctor asks for at sign-in: read-only,
// the least privileged that cover every source of a triage (list them in the README's table).
// Write scopes are asked for only when a fix is applied.
func ReadScopes() []string {
	return []string{
		"User.Read.All",                           // the user, usage location, assigned licences
		"GroupMember.Read.All",                    // transitive group membership, scope groups
		"Device.Read.All",                         // registered and owned devices with full properties
		"Domain.Read.All",                         // verified domains
		"Organization.Read.All",                   // subscribed SKUs
		"LicenseAssignment.Read.All",              // licenseDetails
		"Policy.Read.All",                         // MDM/MAM scope, Conditional Access
		"Policy.Read.DeviceConfiguration",         // device registration policy
		"DeviceManagementManagedDevices.Read.All", // Intune managed devices, enrollment failures
		"DeviceManagementServiceConfig.Read.All",  // enrollment restrictions and limits
		"RoleManagement.Read.Directory",           // directory roles in the operator's and user's membership
		"AuditLog.Read.All",                       // sign-ins to the enrollment apps (with Directory.Read.All)
		"Directory.Read.All",                      // sign-in logs need it with AuditLog.Read.All (Graph's known issue)
	}
}

// access is what a source needs: the permission to consent to and the roles that may read it.
type access struct {
	permission string
	roles      string
	// delegatedOnly is true when Graph offers no application permission for the source.
	delegatedOnly bool
}

// Roles of sourceAccess whose lists are long or shared by several sources.
const (
	intuneReaders = "Intune Administrator, Global Reader, Helpdesk Administrator, Security Reader or an Intune role " +
		"such as Read Only Operator"
	mobilityReaders = "Global Reader, Intune Administrator or Cloud Device Administrator"
	caReaders       = "Security Reader, Conditional Access Administrator or Global Reader"
	signInReaders   = "Reports Reader, Security Reader, Security Administrator or Global Reader"
)

// sourceAccess maps each source to what a 403 on it means (from the permissions of each API).
var sourceAccess = map[facts.Source]access{
	facts.SrcUser:               {"User.Read.All", "Directory Readers or Global Reader", false},
	facts.SrcDomains:            {"Domain.Read.All", "Domain Name Administrator or Global Reader", false},
	facts.SrcLicenseDetails:     {"LicenseAssignment.Read.All", "License Administrator or Global Reader", true},
	facts.SrcSubscribedSkus:     {"Organization.Read.All", "License Administrator or Global Reader", false},
	facts.SrcMemberOf:           {"GroupMember.Read.All", "Directory Readers or Global Reader", false},
	facts.SrcUserDevices:        {"Device.Read.All", "Cloud Device Administrator or Global Reader", false},
	facts.SrcManagedDevices:     {"DeviceManagementManagedDevices.Read.All", intuneReaders, false},
	facts.SrcMDMPolicy:          {"Policy.Read.All", mobilityReaders, true},
	facts.SrcMAMPolicy:          {"Policy.Read.All", mobilityReaders, true},
	facts.SrcRegistrationPolicy: {"Policy.Read.DeviceConfiguration", "Cloud Device Administrator or Global Reader", false},
	facts.SrcConditionalAccess:  {"Policy.Read.All", caReaders, false},
	facts.SrcEnrollmentConfigs:  {"DeviceManagementServiceConfig.Read.All", intuneReaders, false},
	facts.SrcMDMAuthority:       {"DeviceManagementServiceConfig.Read.All", intuneReaders, false},
	facts.SrcTroubleshooting:    {"DeviceManagementManagedDevices.Read.All", intuneReaders, false},
	facts.SrcAllDevices:         {"Device.Read.All", "Cloud Device Administrator or Global Reader", false},
	facts.SrcAllManagedDevices:  {"DeviceManagementManagedDevices.Read.All", intuneReaders, false},
	facts.SrcCAExclusions:       {"GroupMember.Read.All and User.Read.All", "Directory Readers or Global Reader", false},
	facts.SrcSignIns:            {"AuditLog.Read.All and Directory.Read.All", signInReaders, false},
	// The scope members follow from the scope policies, which Graph offers only to a signed-in user.
	facts.SrcScopeMembers: {"Policy.Read.All and GroupMember.Read.All", "Global Reader or Intune Administrator", true},
	facts.SrcScopeNesting: {"Policy.Read.All and GroupMember.Read.All", "Global Reader or Intune Administrator", true},
}

// qualify turns permission names into scopes of the cloud's Graph resource
// (https://graph.microsoft.com/User.Read.All); scopes that are already URLs pass unchanged.
func qualify(resource string, perms []string) []string {
	out := make([]string, len(perms))
	for i, p := range perms {
		if strings.Contains(p, "://") {
			out[i] = p
			continue
		}
		out[i] = resource + "/" + p
	}
	return out
}

package facts

// Permission says what reading a source needs: delegated scopes any one of which suffices (narrowest
// first), and Entra roles any one of which lets the operator read it.
type Permission struct {
	Scopes []string
	Roles  []string
	// IntuneRBAC is true for Intune data, which an Intune role (Read Only Operator, Help Desk Operator,
	// a custom role) also lets the operator read; the token does not show Intune roles.
	IntuneRBAC bool
}

// Role template ids of the Entra built-in roles mdmdoctor names.
const (
	RoleGlobalAdministrator      = "62e90394-69f5-4237-9190-012177145e10"
	RoleGlobalReader             = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	RoleIntuneAdministrator      = "3a2c62db-5318-420d-8d74-23affee5d9d5"
	RoleCloudDeviceAdministrator = "7698a772-787b-4ac8-901f-60d6b08affd2"
	RoleGroupsAdministrator      = "fdd7a751-b60b-444a-984c-02652fe8fa1c"
	RoleLicenseAdministrator     = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"
	RoleUserAdministrator        = "fe930be7-5e62-47db-91af-98c3a49a38b1"
	RoleConditionalAccessAdmin   = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"
	RoleSecurityAdministrator    = "194ae4cb-b126-40b2-bd5b-6091b380977d"
	RoleSecurityReader           = "5d6b6bb7-de71-4623-b4af-96380a352509"
	RoleReportsReader            = "4a5d8f65-41da-4de4-8968-e035b65339cf"
	RoleSecurityOperator         = "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f"
	RoleHelpdeskAdministrator    = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
)

// IntuneReaders are the Entra roles that read all Intune data, tenant-wide, whatever Intune's scope
// tags: Microsoft's table "Microsoft Entra roles with Intune access"
// (https://learn.microsoft.com/en-us/mem/intune/fundamentals/role-based-access-control#microsoft-entra-roles-with-intune-access):
// Global Administrator and Intune Administrator read/write; Security Administrator, Security Operator,
// Security Reader, Global Reader and Helpdesk Administrator read only.
func IntuneReaders() []string {
	return []string{RoleGlobalAdministrator, RoleIntuneAdministrator, RoleGlobalReader, RoleSecurityAdministrator,
		RoleSecurityOperator, RoleSecurityReader, RoleHelpdeskAdministrator}
}

// RoleName is the display name of a role template id, or the id itself when unknown.
func RoleName(id string) string {
	switch id {
	case RoleGlobalAdministrator:
		return "Global Administrator"
	case RoleGlobalReader:
		return "Global Reader"
	case RoleIntuneAdministrator:
		return "Intune Administrator"
	case RoleCloudDeviceAdministrator:
		return "Cloud Device Administrator"
	case RoleGroupsAdministrator:
		return "Groups Administrator"
	case RoleLicenseAdministrator:
		return "License Administrator"
	case RoleUserAdministrator:
		return "User Administrator"
	case RoleConditionalAccessAdmin:
		return "Conditional Access Administrator"
	case RoleSecurityAdministrator:
		return "Security Administrator"
	case RoleSecurityReader:
		return "Security Reader"
	case RoleReportsReader:
		return "Reports Reader"
	case RoleSecurityOperator:
		return "Security Operator"
	case RoleHelpdeskAdministrator:
		return "Helpdesk Administrator"
	}
	return id
}

// ReadPermission is what reading a source needs (from Microsoft Graph's permission reference).
func ReadPermission(s Source) Permission {
	readers := []string{RoleGlobalReader, RoleGlobalAdministrator}
	switch s {
	case SrcUser:
		return Permission{Scopes: []string{"User.Read.All", "User.ReadBasic.All", "Directory.Read.All"}}
	case SrcDomains:
		return Permission{Scopes: []string{"Domain.Read.All", "Directory.Read.All"}}
	case SrcLicenseDetails:
		return Permission{Scopes: []string{"LicenseAssignment.Read.All", "User.Read.All", "Directory.Read.All"}}
	case SrcSubscribedSkus:
		return Permission{Scopes: []string{"Organization.Read.All", "LicenseAssignment.Read.All", "Directory.Read.All"}}
	case SrcMemberOf, SrcScopeMembers, SrcScopeNesting:
		return Permission{Scopes: []string{"GroupMember.Read.All", "Directory.Read.All"}}
	case SrcUserDevices, SrcAllDevices:
		return Permission{Scopes: []string{"Device.Read.All", "Directory.Read.All"}}
	case SrcManagedDevices, SrcAllManagedDevices, SrcTroubleshooting:
		return Permission{[]string{"DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"},
			IntuneReaders(), true}
	case SrcMDMPolicy, SrcMAMPolicy:
		return Permission{Scopes: []string{"Policy.Read.All", "Policy.ReadWrite.MobilityManagement"},
			Roles: append(readers, RoleIntuneAdministrator, RoleCloudDeviceAdministrator)}
	case SrcRegistrationPolicy:
		return Permission{Scopes: []string{"Policy.Read.DeviceConfiguration", "Policy.ReadWrite.DeviceConfiguration"},
			Roles: append(readers, RoleCloudDeviceAdministrator)}
	case SrcConditionalAccess:
		return Permission{Scopes: []string{"Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"},
			Roles: append(readers, RoleSecurityReader, RoleSecurityAdministrator, RoleConditionalAccessAdmin)}
	case SrcCAExclusions:
		// The names and members of the excluded users, groups and roles, and the user count.
		return Permission{Scopes: []string{"GroupMember.Read.All", "Directory.Read.All"}}
	case SrcSignIns:
		// https://learn.microsoft.com/en-us/graph/api/signin-list: AuditLog.Read.All and Directory.Read.All
		// together, and one of these roles.
		return Permission{Scopes: []string{"AuditLog.Read.All"}, Roles: []string{RoleGlobalReader, RoleGlobalAdministrator, RoleReportsReader,
			RoleSecurityReader, RoleSecurityAdministrator, RoleSecurityOperator}}
	case SrcEnrollmentConfigs, SrcMDMAuthority:
		return Permission{[]string{"DeviceManagementServiceConfig.Read.All", "DeviceManagementServiceConfig.ReadWrite.All"},
			IntuneReaders(), true}
	}
	return Permission{}
}

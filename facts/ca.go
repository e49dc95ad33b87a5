package facts

import (
	"strings"
	"time"
)

// App ids of the services Windows enrollment signs in to, as Conditional Access policies and the
// sign-in log name them. The Device Registration Service's is in Microsoft's Conditional Access
// documentation (concept-authentication-flows); Microsoft Intune's is the id of its MDM and MAM user
// scope policies in Graph's documentation. Microsoft Intune Enrollment's was found in no Microsoft
// Learn page reachable when this was written, only in tenants' service principals as tools list them
// (Microsoft365DSC, CIS benchmarks): a tenant's own service principal list is the way to confirm it.
const (
	// AppIntuneEnrollment is Microsoft Intune Enrollment.
	AppIntuneEnrollment = "d4ebce55-015a-49b5-a083-c84d1797ae8c"
	// AppIntune is Microsoft Intune (also the id of the MDM and MAM user scope policies).
	AppIntune = "0000000a-0000-0000-c000-000000000000"
	// AppDeviceRegistration is the Device Registration Service.
	AppDeviceRegistration = "01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9"
)

// EnrollmentApps are the apps enrollment signs in to, in the order results name them.
var EnrollmentApps = []string{AppIntuneEnrollment, AppIntune, AppDeviceRegistration}

// AppName is the display name of an enrollment app id, or the id itself.
func AppName(id string) string {
	switch id {
	case AppIntuneEnrollment:
		return "Microsoft Intune Enrollment"
	case AppIntune:
		return "Microsoft Intune"
	case AppDeviceRegistration:
		return "Device Registration Service"
	}
	return id
}

// CAExclusions are the exclusions that every enabled Conditional Access policy for All users shares
// (typically the emergency access accounts), named, with the users they reach, and how many users
// the tenant has: what a new All-users policy must keep and whom it would cover.
type CAExclusions struct {
	// Policies are the display names of the enabled All-users policies the exclusions come from.
	Policies []string
	Users    []DirectoryObject
	Groups   []DirectoryObject
	Roles    []DirectoryObject
	// TenantUsers is the number of users in the tenant; -1 when Graph did not say.
	TenantUsers int
	// Unreadable says, per excluded object Graph would not give, why: a policy built on these
	// exclusions could not name whom it spares.
	Unreadable []string
}

// DirectoryObject is a user, group or directory role a policy names, with the users it reaches
// (a group's transitive user members, a role's members; the user itself).
type DirectoryObject struct {
	ID                string
	DisplayName       string
	UserPrincipalName string
	// UserIDs are the ids of the users it reaches.
	UserIDs []string
	// Found is false when the object no longer exists in the directory.
	Found bool
}

// SignIn is one entry of the Entra sign-in log.
type SignIn struct {
	ID                  string
	CreatedDateTime     time.Time
	UserPrincipalName   string
	AppID               string
	AppDisplayName      string
	ResourceID          string
	ResourceDisplayName string
	ClientAppUsed       string
	CorrelationID       string
	// ConditionalAccessStatus is success, failure or notApplied.
	ConditionalAccessStatus string
	ErrorCode               int
	FailureReason           string
	AdditionalDetails       string
	DeviceID                string
	DeviceName              string
	OperatingSystem         string
	IsCompliant             bool
	IsManaged               bool
	TrustType               string
	// AppliedPolicies are the Conditional Access policies evaluated, with their result.
	AppliedPolicies []AppliedCAPolicy
}

// AppliedCAPolicy is a Conditional Access policy as a sign-in evaluated it.
type AppliedCAPolicy struct {
	ID                    string
	DisplayName           string
	Result                string // success, failure, notApplied, notEnabled, ...
	EnforcedGrantControls []string
}

// SharedExclusions returns the users, groups and roles that every enabled Conditional Access policy
// for All users excludes, and the display names of those policies: the exclusions a new All-users
// policy must keep so as not to lock out whom the tenant exempts everywhere (its emergency access
// accounts). Nothing when the tenant has no enabled All-users policy.
func SharedExclusions(ps []CAPolicy) (users, groups, roles, from []string) {
	first := true
	for _, p := range ps {
		if p.State != "enabled" || !containsFold(p.IncludeUsers, "All") {
			continue
		}
		from = append(from, p.DisplayName)
		if first {
			users, groups, roles, first = uniqueFold(p.ExcludeUsers), uniqueFold(p.ExcludeGroups), uniqueFold(p.ExcludeRoles), false
			continue
		}
		users, groups, roles = keepFold(users, p.ExcludeUsers), keepFold(groups, p.ExcludeGroups), keepFold(roles, p.ExcludeRoles)
	}
	return users, groups, roles, from
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func uniqueFold(list []string) []string {
	var out []string
	for _, s := range list {
		if s != "" && !containsFold(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// keepFold keeps the elements of list that other holds too.
func keepFold(list, other []string) []string {
	var out []string
	for _, s := range list {
		if containsFold(other, s) {
			out = append(out, s)
		}
	}
	return out
}

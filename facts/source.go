// Package facts holds what mdmdoctor gathers about a tenant, a user, DNS and a device, as plain data.
//
// The readers (graph, dnsprobe, the dsregcmd parser) fill these types; the checks judge them. Nothing
// here performs I/O or depends on the Microsoft Graph SDK, so every check can be tested from literals.
package facts

import "fmt"

// Source names one body of facts read by one request (or one small group of requests). A check
// declares the sources it needs; when a source fails, only those checks end in error.
type Source string

// Sources read from Microsoft Graph, DNS and the device.
const (
	SrcUser               Source = "user"                     // GET /users/{upn}
	SrcDomains            Source = "domains"                  // GET /domains
	SrcLicenseDetails     Source = "licenseDetails"           // GET /users/{id}/licenseDetails
	SrcSubscribedSkus     Source = "subscribedSkus"           // GET /subscribedSkus
	SrcMemberOf           Source = "memberOf"                 // GET /users/{id}/transitiveMemberOf
	SrcUserDevices        Source = "userDevices"              // registeredDevices + ownedDevices (+ pasted DeviceIds tenant-wide)
	SrcManagedDevices     Source = "managedDevices"           // GET /users/{id}/managedDevices
	SrcMDMPolicy          Source = "mdmPolicy"                // beta mobileDeviceManagementPolicies
	SrcMAMPolicy          Source = "mamPolicy"                // beta mobileAppManagementPolicies
	SrcRegistrationPolicy Source = "deviceRegistrationPolicy" // GET /policies/deviceRegistrationPolicy
	SrcConditionalAccess  Source = "conditionalAccess"        // GET /identity/conditionalAccess/policies
	SrcCAExclusions       Source = "caExclusions"             // what the enabled All-users CA policies exclude
	SrcSignIns            Source = "signIns"                  // GET /auditLogs/signIns to the enrollment apps
	SrcEnrollmentConfigs  Source = "enrollmentConfigurations" // deviceEnrollmentConfigurations + assignments
	SrcMDMAuthority       Source = "mdmAuthority"             // GET /organization: mobileDeviceManagementAuthority
	SrcTroubleshooting    Source = "troubleshootingEvents"    // deviceManagement/troubleshootingEvents
	SrcOperator           Source = "operator"                 // the signed-in operator: scopes and roles
	SrcAllDevices         Source = "allDevices"               // tenant mode: every Entra device
	SrcAllManagedDevices  Source = "allManagedDevices"        // tenant mode: every Intune managed device
	SrcScopeMembers       Source = "scopeMembers"             // tenant mode: users in MDM and MAM scope groups
	SrcDNS                Source = "dns"                      // dnsprobe
	SrcDsregcmd           Source = "dsregcmd"                 // a pasted dsregcmd /status
	SrcScopeNesting       Source = "scopeNesting"             // the user's direct groups + the scope groups' nested groups
)

// State is how far a source has come.
type State int

// Source states. Pending is the zero value so that an untouched source reads as not yet gathered.
const (
	Pending State = iota
	Loaded
	Failed
	Skipped
)

func (s State) String() string {
	switch s {
	case Pending:
		return "pending"
	case Loaded:
		return "loaded"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// SourceStatus records how a source ended and, for evidence, where it was read from.
type SourceStatus struct {
	State State
	// Reason says why a source failed or was skipped, in words for the operator.
	Reason string
	// Endpoint is the request that read it, e.g. "GET /v1.0/users/alice@contoso.com/licenseDetails".
	Endpoint string
}

// Delta is one source settling: its facts applied to a Facts, or the reason it failed or was skipped.
// Readers send deltas; the engine applies them one at a time, so Apply needs no locking.
type Delta struct {
	Source   Source
	Endpoint string
	// Err marks the source failed; its checks end in error with this message.
	Err error
	// Skip, when set, marks the source skipped (not applicable) with this reason.
	Skip string
	// Apply stores the facts; nil when Err or Skip is set.
	Apply func(*Facts)
}

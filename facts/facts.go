package facts

import "time"

// Facts is everything gathered for one run. Readers fill it through Deltas; checks only read it.
type Facts struct {
	// Cloud is public, usgov, usgovdod or china; it picks expected DNS targets and default URLs.
	Cloud string
	// Target is what the run is about.
	Target Target
	// Now is the time the judgments use ("failures in the last 7 days", stale devices).
	Now time.Time
	// Sources records how each source settled. A source absent from the map is pending.
	Sources map[Source]SourceStatus

	User               *User
	Domains            []Domain
	LicenseDetails     []LicenseDetail
	SubscribedSkus     []SubscribedSku
	MemberOf           []Group
	UserDevices        []EntraDevice
	ManagedDevices     []ManagedDevice
	MDMPolicy          *MobilityPolicy
	MAMPolicy          *MobilityPolicy
	RegistrationPolicy *DeviceRegistrationPolicy
	CAPolicies         []CAPolicy
	CAExclusions       *CAExclusions
	SignIns            []SignIn
	EnrollmentConfigs  []EnrollmentConfig
	// MDMAuthority is the tenant's mobileDeviceManagementAuthority (intune, sccm, office365, unknown);
	// empty when Graph returned none.
	MDMAuthority      string
	Troubleshooting   []TroubleshootingEvent
	Operator          *Operator
	AllDevices        []EntraDevice
	AllManagedDevices []ManagedDevice
	ScopeMembers      *ScopeMembers
	DeviceLookup      *DeviceLookup
	ScopeNesting      *ScopeNesting
	DNS               []DNSProbe
	Dsregcmd          *Dsregcmd
}

// TargetKind says whether a run triages one user, walks a whole tenant, or checks DNS alone.
type TargetKind string

// Target kinds, as in the JSON report.
const (
	TargetUser   TargetKind = "user"
	TargetTenant TargetKind = "tenant"
	TargetDNS    TargetKind = "dns"
)

// Target is what a run is about.
type Target struct {
	Kind     TargetKind `json:"kind"`
	User     string     `json:"user,omitempty"`
	Domains  []string   `json:"domains,omitempty"`
	TenantID string     `json:"tenantId,omitempty"`
	// DeviceIDs are the device ids a pasted dsregcmd names, looked up tenant-wide. They stay out of
	// the report's target: the paste is quoted in results only.
	DeviceIDs []string `json:"-"`
	// Path is how the operator says the device enrolls; unknown (empty) lets the checks infer it or
	// judge every path.
	Path EnrollmentPath `json:"path,omitempty"`
}

// New returns empty facts for a target.
func New(cloud string, t Target, now time.Time) *Facts {
	return &Facts{Cloud: cloud, Target: t, Now: now, Sources: map[Source]SourceStatus{}}
}

// UserID is the triaged user's object id, as fixes address the user; the UPN when the user was not read.
func (f *Facts) UserID() string {
	if f.User != nil && f.User.ID != "" {
		return f.User.ID
	}
	return f.Target.User
}

// Status returns how a source settled; Pending when it has not.
func (f *Facts) Status(s Source) SourceStatus {
	return f.Sources[s]
}

// Apply records a delta. It is the only way sources settle.
func (f *Facts) Apply(d Delta) {
	st := SourceStatus{State: Loaded, Endpoint: d.Endpoint}
	switch {
	case d.Err != nil:
		st.State, st.Reason = Failed, d.Err.Error()
	case d.Skip != "":
		st.State, st.Reason = Skipped, d.Skip
	case d.Apply != nil:
		d.Apply(f)
	}
	f.Sources[d.Source] = st
}

// User is the Entra user being triaged.
type User struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	AccountEnabled    bool
	UsageLocation     string
	// AssignedLicenseSkus are the skuIds of assignedLicenses (what licenseDetails expands).
	AssignedLicenseSkus []string
	// OnPremisesUserPrincipalName is the UPN in on-premises Active Directory, for a synchronised user.
	OnPremisesUserPrincipalName string
	// OnPremisesSyncEnabled is true for a user synchronised from Active Directory; nil for one never synced.
	OnPremisesSyncEnabled *bool
}

// Domain is one of the tenant's domains.
type Domain struct {
	Name               string
	IsVerified         bool
	IsDefault          bool
	IsInitial          bool
	AuthenticationType string
}

// LicenseDetail is one SKU assigned to the user, with its service plans.
type LicenseDetail struct {
	SkuID         string
	SkuPartNumber string
	ServicePlans  []ServicePlan
}

// ServicePlan is one plan inside a SKU. ProvisioningStatus is Success, Disabled, Error, PendingInput,
// PendingActivation or PendingProvisioning.
type ServicePlan struct {
	ServicePlanID      string
	ServicePlanName    string
	ProvisioningStatus string
	AppliesTo          string
}

// SubscribedSku is a SKU the tenant has bought.
type SubscribedSku struct {
	SkuID            string
	SkuPartNumber    string
	CapabilityStatus string
	ConsumedUnits    int
	EnabledUnits     int
	ServicePlans     []ServicePlan
}

// FreeUnits is how many more users the SKU can be assigned to.
func (s SubscribedSku) FreeUnits() int { return s.EnabledUnits - s.ConsumedUnits }

// Group is a group (or directory role) the user is a transitive member of.
type Group struct {
	ID          string
	DisplayName string
	// Dynamic is true for groups with a membership rule: their members cannot be edited.
	Dynamic bool
	// Kind is "group" or "directoryRole".
	Kind string
	// RoleTemplateID is set for directory roles.
	RoleTemplateID string
}

// EntraDevice is a Microsoft Entra device object.
type EntraDevice struct {
	ID                            string
	DeviceID                      string
	DisplayName                   string
	TrustType                     string // Workplace, AzureAd, ServerAd
	IsManaged                     bool
	IsCompliant                   bool
	AccountEnabled                bool
	MdmAppID                      string
	OperatingSystem               string
	OperatingSystemVersion        string
	ProfileType                   string
	EnrollmentType                string
	ApproximateLastSignInDateTime time.Time
	RegistrationDateTime          time.Time
	// PhysicalIDs carries the physicalIds values; "[ZTDID]:" marks an Autopilot device.
	PhysicalIDs []string
	// OwnerUPNs are the users that own or registered it, when known: by UPN, or by object id when
	// Graph sent the owner without its UPN.
	OwnerUPNs []string
}

// ManagedDevice is an Intune managed device.
type ManagedDevice struct {
	ID                      string
	AzureADDeviceID         string
	DeviceName              string
	SerialNumber            string
	UserPrincipalName       string
	UserID                  string
	OperatingSystem         string
	ManagementAgent         string
	ManagedDeviceOwnerType  string
	DeviceEnrollmentType    string
	DeviceRegistrationState string
	ComplianceState         string
	EnrolledDateTime        time.Time
	LastSyncDateTime        time.Time
}

// MobilityPolicy is the MDM or MAM (WIP) user scope policy of the Intune application.
type MobilityPolicy struct {
	ID            string
	DisplayName   string
	Description   string
	AppliesTo     string // none, all, selected
	DiscoveryURL  string
	TermsOfUseURL string
	ComplianceURL string
	IsValid       bool
	// IsMdmEnrollmentDuringRegistrationDisabled (beta, MDM policy only) is true when registering a
	// device (adding a work account) does not offer MDM enrollment; nil when Graph did not send it.
	IsMdmEnrollmentDuringRegistrationDisabled *bool
	IncludedGroups                            []Group
	// Present is false when the tenant has no Intune policy of this kind at all.
	Present bool
}

// DeviceRegistrationPolicy is /policies/deviceRegistrationPolicy.
type DeviceRegistrationPolicy struct {
	ID                             string
	MultiFactorAuthConfiguration   string // notRequired, required
	UserDeviceQuota                int
	AzureADJoin                    Membership
	AzureADRegistration            Membership
	AzureADJoinIsAdminConfigurable bool
	// Raw is the policy as read, so that a fix can send the whole policy back unchanged but for one field.
	Raw []byte
}

// Membership is who may join or register devices.
type Membership struct {
	// Kind is none, all or enumerated.
	Kind   string
	Users  []string
	Groups []string
}

// CAPolicy is a Conditional Access policy, reduced to what the MFA-for-registration and enrollment-app
// checks need. Lists hold Graph's values as given: ids, or the keywords All, None, AllTrusted, GuestsOrExternalUsers.
type CAPolicy struct {
	ID                  string
	DisplayName         string
	State               string // enabled, disabled, enabledForReportingButNotEnforced
	IncludeUserActions  []string
	IncludeApplications []string
	ExcludeApplications []string
	IncludeUsers        []string
	ExcludeUsers        []string
	IncludeGroups       []string
	ExcludeGroups       []string
	IncludeRoles        []string
	ExcludeRoles        []string
	IncludePlatforms    []string
	ExcludePlatforms    []string
	IncludeLocations    []string
	ExcludeLocations    []string
	ClientAppTypes      []string
	// RiskLevels are the user and sign-in risk levels the policy is limited to, if any.
	RiskLevels []string
	// DeviceFilter is the rule of a filter for devices, if any.
	DeviceFilter    string
	GrantOperator   string
	BuiltInControls []string
	// TermsOfUse are the ids of the terms of use the grant requires.
	TermsOfUse []string
	// AuthenticationStrength is the display name of a required authentication strength, if any;
	// AuthenticationCombinations its allowed method combinations, when Graph sent them.
	AuthenticationStrength     string
	AuthenticationCombinations []string
}

// TroubleshootingEvent is an Intune enrollment failure.
type TroubleshootingEvent struct {
	ID                      string
	EventDateTime           time.Time
	CorrelationID           string
	ManagedDeviceIdentifier string
	OperatingSystem         string
	OSVersion               string
	UserID                  string
	DeviceID                string
	EnrollmentType          string
	FailureCategory         string
	FailureReason           string
}

// Operator is the signed-in operator: who it is and what its token may do.
type Operator struct {
	UserPrincipalName string
	// AppOnly is true for client secret and certificate sign-in.
	AppOnly bool
	// Scopes are the delegated scopes (scp) or application roles (roles) in the token.
	Scopes []string
	// RoleTemplateIDs are the operator's Entra directory roles (wids claim or memberOf).
	RoleTemplateIDs []string
	// Known is false when the token could not be inspected (an opaque token): permissions are unknown.
	Known bool
	// TenantID is the tenant the token was issued for (the tid claim), when known.
	TenantID string
}

// DeviceLookup is what a tenant-wide search found for the DeviceIds of a pasted dsregcmd.
type DeviceLookup struct {
	// DeviceIDs are the ids searched (lower case); an id not among them was not looked up.
	DeviceIDs []string
	// Devices are the records found, with their registered owners in OwnerUPNs.
	Devices []EntraDevice
}

// ScopeMembers lists, in tenant mode, the users reached by the MDM and MAM scope groups.
type ScopeMembers struct {
	MDM []string // user principal names
	MAM []string
}

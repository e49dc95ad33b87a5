package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The wire types mirror Graph's JSON for the selected properties (v1.0 unless noted).

type wireUser struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	AccountEnabled    bool   `json:"accountEnabled"`
	UsageLocation     string `json:"usageLocation"`
	AssignedLicenses  []struct {
		SkuID string `json:"skuId"`
	} `json:"assignedLicenses"`
	OnPremisesUserPrincipalName string `json:"onPremisesUserPrincipalName"`
	OnPremisesSyncEnabled       *bool  `json:"onPremisesSyncEnabled"`
}

type wireDomain struct {
	ID string `json:"id"`
	// IsVerified is a pointer: an answer without it (the docs' shortened sample) must not read as unverified.
	IsVerified         *bool  `json:"isVerified"`
	IsDefault          bool   `json:"isDefault"`
	IsInitial          bool   `json:"isInitial"`
	AuthenticationType string `json:"authenticationType"`
}

type wirePlan struct {
	ServicePlanID      string `json:"servicePlanId"`
	ServicePlanName    string `json:"servicePlanName"`
	ProvisioningStatus string `json:"provisioningStatus"`
	AppliesTo          string `json:"appliesTo"`
}

type wireLicense struct {
	SkuID         string     `json:"skuId"`
	SkuPartNumber string     `json:"skuPartNumber"`
	ServicePlans  []wirePlan `json:"servicePlans"`
}

type wireSku struct {
	SkuID            string `json:"skuId"`
	SkuPartNumber    string `json:"skuPartNumber"`
	CapabilityStatus string `json:"capabilityStatus"`
	ConsumedUnits    int    `json:"consumedUnits"`
	PrepaidUnits     struct {
		Enabled int `json:"enabled"`
	} `json:"prepaidUnits"`
	ServicePlans []wirePlan `json:"servicePlans"`
}

type wireDirectoryObject struct {
	Type           string   `json:"@odata.type"`
	ID             string   `json:"id"`
	DisplayName    string   `json:"displayName"`
	GroupTypes     []string `json:"groupTypes"`
	RoleTemplateID string   `json:"roleTemplateId"`
}

type wireDevice struct {
	ID                            string    `json:"id"`
	DeviceID                      string    `json:"deviceId"`
	DisplayName                   string    `json:"displayName"`
	TrustType                     string    `json:"trustType"`
	IsManaged                     bool      `json:"isManaged"`
	IsCompliant                   bool      `json:"isCompliant"`
	AccountEnabled                bool      `json:"accountEnabled"`
	MdmAppID                      string    `json:"mdmAppId"`
	OperatingSystem               string    `json:"operatingSystem"`
	OperatingSystemVersion        string    `json:"operatingSystemVersion"`
	ProfileType                   string    `json:"profileType"`
	EnrollmentType                string    `json:"enrollmentType"`
	ApproximateLastSignInDateTime time.Time `json:"approximateLastSignInDateTime"`
	RegistrationDateTime          time.Time `json:"registrationDateTime"`
	PhysicalIDs                   []string  `json:"physicalIds"`
}

type wireManagedDevice struct {
	ID                      string    `json:"id"`
	AzureADDeviceID         string    `json:"azureADDeviceId"`
	DeviceName              string    `json:"deviceName"`
	SerialNumber            string    `json:"serialNumber"`
	UserPrincipalName       string    `json:"userPrincipalName"`
	UserID                  string    `json:"userId"`
	OperatingSystem         string    `json:"operatingSystem"`
	ManagementAgent         string    `json:"managementAgent"`
	ManagedDeviceOwnerType  string    `json:"managedDeviceOwnerType"`
	DeviceEnrollmentType    string    `json:"deviceEnrollmentType"`
	DeviceRegistrationState string    `json:"deviceRegistrationState"`
	ComplianceState         string    `json:"complianceState"`
	EnrolledDateTime        time.Time `json:"enrolledDateTime"`
	LastSyncDateTime        time.Time `json:"lastSyncDateTime"`
}

// wireMobilityPolicy is the beta mobilityManagementPolicy with every documented property, and
// those of its derived mobileDeviceManagementPolicy (isMdmEnrollmentDuringRegistrationDisabled):
// https://learn.microsoft.com/en-us/graph/api/resources/mobiledevicemanagementpolicy?view=graph-rest-beta
type wireMobilityPolicy struct {
	Type          string `json:"@odata.type"`
	ID            string `json:"id"`
	DisplayName   string `json:"displayName"`
	Description   string `json:"description"`
	AppliesTo     string `json:"appliesTo"`
	DiscoveryURL  string `json:"discoveryUrl"`
	TermsOfUseURL string `json:"termsOfUseUrl"`
	ComplianceURL string `json:"complianceUrl"`
	IsValid       bool   `json:"isValid"`
	// Absent (nil) on the MAM policy and in answers from before the property existed.
	IsMdmEnrollmentDuringRegistrationDisabled *bool `json:"isMdmEnrollmentDuringRegistrationDisabled"`
}

type wireMembership struct {
	Type   string   `json:"@odata.type"`
	Users  []string `json:"users"`
	Groups []string `json:"groups"`
}

// wireJoinPolicy is azureADJoin or azureADRegistration: v1.0 states who may join in a membership
// (allowedToJoin, allowedToRegister); the beta page shows appliesTo with allowedUsers and allowedGroups.
type wireJoinPolicy struct {
	IsAdminConfigurable bool           `json:"isAdminConfigurable"`
	AllowedToJoin       wireMembership `json:"allowedToJoin"`
	AllowedToRegister   wireMembership `json:"allowedToRegister"`
	AppliesTo           string         `json:"appliesTo"`
	AllowedUsers        []string       `json:"allowedUsers"`
	AllowedGroups       []string       `json:"allowedGroups"`
}

// membership reads who may join or register, in either shape. The beta appliesTo is the policyScope
// none, all or selected, which the beta sample writes as its number ("1" for the default, All).
func (w wireJoinPolicy) membership(m wireMembership) facts.Membership {
	if m.Type == "" && w.AppliesTo != "" {
		kind := map[string]string{"0": "none", "none": "none", "1": "all", "all": "all", "2": "enumerated", "selected": "enumerated"}[strings.ToLower(w.AppliesTo)]
		if kind == "" {
			kind = w.AppliesTo
		}
		return facts.Membership{Kind: kind, Users: w.AllowedUsers, Groups: w.AllowedGroups}
	}
	return membership(m)
}

type wireRegistrationPolicy struct {
	ID                           string          `json:"id"`
	MultiFactorAuthConfiguration json.RawMessage `json:"multiFactorAuthConfiguration"`
	UserDeviceQuota              int             `json:"userDeviceQuota"`
	AzureADJoin                  wireJoinPolicy  `json:"azureADJoin"`
	AzureADRegistration          wireJoinPolicy  `json:"azureADRegistration"`
}

type wireCAPolicy struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	State       string `json:"state"`
	Conditions  struct {
		Applications struct {
			IncludeApplications []string `json:"includeApplications"`
			ExcludeApplications []string `json:"excludeApplications"`
			IncludeUserActions  []string `json:"includeUserActions"`
		} `json:"applications"`
		Users struct {
			IncludeUsers  []string `json:"includeUsers"`
			ExcludeUsers  []string `json:"excludeUsers"`
			IncludeGroups []string `json:"includeGroups"`
			ExcludeGroups []string `json:"excludeGroups"`
			IncludeRoles  []string `json:"includeRoles"`
			ExcludeRoles  []string `json:"excludeRoles"`
		} `json:"users"`
		Platforms *struct {
			IncludePlatforms []string `json:"includePlatforms"`
			ExcludePlatforms []string `json:"excludePlatforms"`
		} `json:"platforms"`
		Locations *struct {
			IncludeLocations []string `json:"includeLocations"`
			ExcludeLocations []string `json:"excludeLocations"`
		} `json:"locations"`
		Devices *struct {
			DeviceFilter *struct {
				Mode string `json:"mode"`
				Rule string `json:"rule"`
			} `json:"deviceFilter"`
		} `json:"devices"`
		ClientAppTypes   []string `json:"clientAppTypes"`
		UserRiskLevels   []string `json:"userRiskLevels"`
		SignInRiskLevels []string `json:"signInRiskLevels"`
	} `json:"conditions"`
	GrantControls *struct {
		Operator               string   `json:"operator"`
		BuiltInControls        []string `json:"builtInControls"`
		TermsOfUse             []string `json:"termsOfUse"`
		AuthenticationStrength *struct {
			DisplayName         string   `json:"displayName"`
			AllowedCombinations []string `json:"allowedCombinations"`
		} `json:"authenticationStrength"`
	} `json:"grantControls"`
}

type wireEvent struct {
	ID                      string    `json:"id"`
	EventDateTime           time.Time `json:"eventDateTime"`
	CorrelationID           string    `json:"correlationId"`
	ManagedDeviceIdentifier string    `json:"managedDeviceIdentifier"`
	OperatingSystem         string    `json:"operatingSystem"`
	OSVersion               string    `json:"osVersion"`
	UserID                  string    `json:"userId"`
	DeviceID                string    `json:"deviceId"`
	EnrollmentType          string    `json:"enrollmentType"`
	FailureCategory         string    `json:"failureCategory"`
	FailureReason           string    `json:"failureReason"`
}

// odataKind is an @odata.type without its namespace. Graph's pages write nested types both as
// "#microsoft.graph.groupAssignmentTarget" and as "microsoft.graph.groupAssignmentTarget".
func odataKind(t string) string {
	return strings.TrimPrefix(strings.TrimPrefix(t, "#"), "microsoft.graph.")
}

// values decodes the value arrays of every page of a collection.
func values[T any](f *fetch) ([]T, error) {
	var out []T
	for _, p := range f.pages {
		var page struct {
			Value *[]T `json:"value"`
		}
		if err := json.Unmarshal(p, &page); err != nil {
			return nil, fmt.Errorf("read %s: %s", f.path, jsonProblem(err))
		}
		if page.Value == nil {
			// Read as empty, it would say the user holds no licence, no group, no device.
			return nil, fmt.Errorf("read %s: the answer holds no value array", f.path)
		}
		out = append(out, *page.Value...)
	}
	return out, nil
}

// entity decodes a single-object answer. Every entity Graph returns carries its id: an answer
// without one (an empty body, {}, or a collection) is no answer to judge. The beta mobility policy
// pages show the object wrapped as {"value": {...}}; that form is read too.
func entity[T any](f *fetch) (T, error) {
	var v T
	if len(f.pages) == 0 {
		return v, fmt.Errorf("read %s: empty answer", f.path)
	}
	body := f.pages[0]
	var top struct {
		ID    json.RawMessage `json:"id"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return v, fmt.Errorf("read %s: %s", f.path, jsonProblem(err))
	}
	if len(top.ID) == 0 && len(top.Value) > 0 && top.Value[0] == '{' {
		body = top.Value
		top.ID = nil
		_ = json.Unmarshal(body, &top)
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return v, fmt.Errorf("read %s: %s", f.path, jsonProblem(err))
	}
	var id string
	if json.Unmarshal(top.ID, &id) != nil || id == "" {
		if len(top.Value) > 0 && top.Value[0] == '[' {
			return v, fmt.Errorf("read %s: Graph answered with a collection (a value array) where one object belongs",
				f.path)
		}
		return v, fmt.Errorf("read %s: the answer holds no object with an id", f.path)
	}
	return v, nil
}

// jsonProblem says what is wrong with an answer in Graph's terms rather than in Go's types.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		at := "the top level"
		if te.Field != "" {
			at = strconv.Quote(te.Field)
		}
		return fmt.Sprintf("a JSON %s at %s, where another type belongs", te.Value, at)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not valid JSON (%v)", err)
	}
	return fmt.Sprintf("a value mdmdoctor cannot read (%v)", err)
}

func bad(err error) facts.Delta {
	return facts.Delta{Err: fmt.Errorf("%w: Graph answered in an unexpected shape; run with --debug and report it",
		err)}
}

// readUser decodes the triaged user, whose id the other sources are matched by.
func readUser(f *fetch) (wireUser, error) {
	return entity[wireUser](f)
}

func decodeUser(j *job) facts.Delta {
	u, err := readUser(j.fetches[0])
	if err != nil {
		return bad(err)
	}
	user := &facts.User{ID: u.ID, UserPrincipalName: u.UserPrincipalName, DisplayName: u.DisplayName,
		AccountEnabled: u.AccountEnabled, UsageLocation: u.UsageLocation,
		OnPremisesUserPrincipalName: u.OnPremisesUserPrincipalName, OnPremisesSyncEnabled: u.OnPremisesSyncEnabled}
	for _, l := range u.AssignedLicenses {
		user.AssignedLicenseSkus = append(user.AssignedLicenseSkus, l.SkuID)
	}
	return facts.Delta{Apply: func(f *facts.Facts) { f.User = user }}
}

func toDomains(f *fetch, ws []wireDomain) ([]facts.Domain, error) {
	out := make([]facts.Domain, len(ws))
	for i, d := range ws {
		if d.ID == "" || d.IsVerified == nil {
			return nil, fmt.Errorf("read %s: a domain came back without its name or isVerified", f.path)
		}
		out[i] = facts.Domain{Name: d.ID, IsVerified: *d.IsVerified, IsDefault: d.IsDefault, IsInitial: d.IsInitial,
			AuthenticationType: d.AuthenticationType}
	}
	return out, nil
}

func decodeDomains(j *job) facts.Delta {
	ws, err := values[wireDomain](j.fetches[0])
	if err != nil {
		return bad(err)
	}
	ds, err := toDomains(j.fetches[0], ws)
	if err != nil {
		return bad(err)
	}
	return facts.Delta{Apply: func(f *facts.Facts) { f.Domains = ds }}
}

func toPlans(ws []wirePlan) []facts.ServicePlan {
	out := make([]facts.ServicePlan, len(ws))
	for i, p := range ws {
		out[i] = facts.ServicePlan{ServicePlanID: p.ServicePlanID, ServicePlanName: p.ServicePlanName,
			ProvisioningStatus: p.ProvisioningStatus, AppliesTo: p.AppliesTo}
	}
	return out
}

func decodeLicenseDetails(j *job) facts.Delta {
	ws, err := values[wireLicense](j.fetches[0])
	if err != nil {
		return bad(err)
	}
	out := make([]facts.LicenseDetail, len(ws))
	for i, l := range ws {
		out[i] = facts.LicenseDetail{SkuID: l.SkuID, SkuPartNumber: l.SkuPartNumber, ServicePlans: toPlans(l.ServicePlans)}
	}
	return facts.Delta{Apply: func(f *facts.Facts) { f.LicenseDetails = out }}
}

func decodeSkus(j *job) facts.Delta {
	ws, err := values[wireSku](j.fetches[0])
	if err != nil {
		return bad(err)
	}
	out := make([]facts.SubscribedSku, len(ws))
	for i, s := range ws {
		out[i] = facts.SubscribedSku{SkuID: s.SkuID, SkuPartNumber: s.SkuPartNumber, CapabilityStatus: s.CapabilityStatus,
			ConsumedUnits: s.ConsumedUnits, EnabledUnits: s.PrepaidUnits.Enabled, ServicePlans: toPlans(s.ServicePlans)}
	}
	return facts.Delta{Apply: func(f *facts.Facts) { f.SubscribedSkus = out }}
}

// toGroups keeps groups and directory roles from a directoryObject collection.
func toGroups(ws []wireDirectoryObject) []facts.Group {
	var out []facts.Group
	for _, o := range ws {
		g := facts.Group{ID: o.ID, DisplayName: o.DisplayName, Dynamic: slices.Contains(o.GroupTypes, "DynamicMembership")}
		switch odataKind(o.Type) {
		case "group", "":
			g.Kind = "group"
		case "directoryRole":
			g.Kind, g.RoleTemplateID = "directoryRole", o.RoleTemplateID
		default:
			continue
		}
		out = append(out, g)
	}
	return out
}

func decodeMemberOf(j *job) facts.Delta {
	ws, err := values[wireDirectoryObject](j.fetches[0])
	if err != nil {
		return bad(err)
	}
	gs := toGroups(ws)
	return facts.Delta{Apply: func(f *facts.Facts) { f.MemberOf = gs }}
}

func toDevice(d wireDevice) facts.EntraDevice {
	return facts.EntraDevice{ID: d.ID, DeviceID: d.DeviceID, DisplayName: d.DisplayName, TrustType: d.TrustType,
		IsManaged: d.IsManaged, IsCompliant: d.IsCompliant, AccountEnabled: d.AccountEnabled, MdmAppID: d.MdmAppID,
		OperatingSystem: d.OperatingSystem, OperatingSystemVersion: d.OperatingSystemVersion, ProfileType: d.ProfileType,
		EnrollmentType: d.EnrollmentType, ApproximateLastSignInDateTime: d.ApproximateLastSignInDateTime,
		RegistrationDateTime: d.RegistrationDateTime, PhysicalIDs: d.PhysicalIDs}
}

// decodeUserDevices merges registered and owned devices by object id: a device the user both
// registered and owns is one device. The fetches after those two are the tenant-wide searches for
// the pasted DeviceIds (searched), decoded into DeviceLookup.
func decodeUserDevices(j *job, upn string, searched []string) facts.Delta {
	var out []facts.EntraDevice
	seen := map[string]bool{}
	for _, f := range j.fetches[:2] {
		ws, err := values[wireDevice](f)
		if err != nil {
			return bad(err)
		}
		for _, w := range ws {
			if err := deviceComplete(f, w); err != nil {
				return facts.Delta{Err: err}
			}
			if seen[w.ID] {
				continue
			}
			seen[w.ID] = true
			d := toDevice(w)
			d.OwnerUPNs = []string{upn}
			out = append(out, d)
		}
	}
	var lookup *facts.DeviceLookup
	if len(searched) > 0 {
		lookup = &facts.DeviceLookup{DeviceIDs: searched}
		for _, f := range j.fetches[2:] {
			ws, err := values[wireDeviceWithOwners](f)
			if err != nil {
				return bad(err)
			}
			for _, w := range ws {
				if err := deviceComplete(f, w.wireDevice); err != nil {
					return facts.Delta{Err: err}
				}
				d := toDevice(w.wireDevice)
				for _, o := range w.RegisteredOwners {
					if n := ownerName(o); n != "" {
						d.OwnerUPNs = append(d.OwnerUPNs, n)
					}
				}
				lookup.Devices = append(lookup.Devices, d)
			}
		}
	}
	return facts.Delta{Apply: func(f *facts.Facts) { f.UserDevices, f.DeviceLookup = out, lookup }}
}

// deviceComplete refuses a device Graph sent without its object id or deviceId. Without
// Device.Read.All, Graph answers a user's device lists with bare directory objects (an id alone):
// judged, they would be devices of no known kind.
func deviceComplete(f *fetch, w wireDevice) error {
	if w.ID != "" && w.DeviceID != "" {
		return nil
	}
	return &Error{Advice: fmt.Sprintf("read %s: Graph sent a device without its id or deviceId, which is "+
		"what it sends when the operator lacks Device.Read.All: consent Device.Read.All for this app and sign in again",
		f.path)}
}

func toManagedDevices(ws []wireManagedDevice) []facts.ManagedDevice {
	out := make([]facts.ManagedDevice, len(ws))
	for i, m := range ws {
		out[i] = facts.ManagedDevice{ID: m.ID, AzureADDeviceID: m.AzureADDeviceID, DeviceName: m.DeviceName,
			SerialNumber: m.SerialNumber, UserPrincipalName: m.UserPrincipalName, UserID: m.UserID,
			OperatingSystem: m.OperatingSystem, ManagementAgent: m.ManagementAgent,
			ManagedDeviceOwnerType: m.ManagedDeviceOwnerType, DeviceEnrollmentType: m.DeviceEnrollmentType,
			DeviceRegistrationState: m.DeviceRegistrationState, ComplianceState: m.ComplianceState,
			EnrolledDateTime: m.EnrolledDateTime, LastSyncDateTime: m.LastSyncDateTime}
	}
	return out
}

func decodeManagedDevices(j *job) facts.Delta {
	ws, err := values[wireManagedDevice](j.fetches[0])
	if err != nil {
		return bad(err)
	}
	ms := toManagedDevices(ws)
	return facts.Delta{Apply: func(f *facts.Facts) { f.ManagedDevices = ms }}
}

// decodeMobility builds the MDM or MAM scope policy. A 404 on the policy means the tenant has none
// for Intune: Present false, which the scope checks judge.
func decodeMobility(src facts.Source, policy, groups *fetch, p *plan) facts.Delta {
	set := func(mp *facts.MobilityPolicy) facts.Delta {
		return facts.Delta{Apply: func(f *facts.Facts) {
			if src == facts.SrcMDMPolicy {
				f.MDMPolicy = mp
			} else {
				f.MAMPolicy = mp
			}
		}}
	}
	if policy.err == nil && policy.status == http.StatusNotFound {
		return set(&facts.MobilityPolicy{ID: facts.AppIntune, Present: false})
	}
	for _, f := range []*fetch{policy, groups} {
		if f.failed() {
			return facts.Delta{Err: p.failure(src, f)}
		}
	}
	w, err := entity[wireMobilityPolicy](policy)
	if err != nil {
		return bad(err)
	}
	gs, err := values[wireDirectoryObject](groups)
	if err != nil {
		return bad(err)
	}
	return set(&facts.MobilityPolicy{ID: w.ID, DisplayName: w.DisplayName, Description: w.Description,
		AppliesTo: w.AppliesTo, DiscoveryURL: w.DiscoveryURL, TermsOfUseURL: w.TermsOfUseURL, ComplianceURL: w.ComplianceURL,
		IsValid: w.IsValid, IsMdmEnrollmentDuringRegistrationDisabled: w.IsMdmEnrollmentDuringRegistrationDisabled,
		IncludedGroups: toGroups(gs), Present: true})
}

// membership reads a deviceRegistrationMembership by its @odata.type: all, enumerated, or no
// (nobody), which facts calls none.
// https://learn.microsoft.com/en-us/graph/api/resources/deviceregistrationmembership
func membership(m wireMembership) facts.Membership {
	kind := strings.TrimSuffix(odataKind(m.Type), "DeviceRegistrationMembership")
	if kind == "no" {
		kind = "none"
	}
	return facts.Membership{Kind: kind, Users: m.Users, Groups: m.Groups}
}

// mfaSetting reads multiFactorAuthConfiguration, which older payloads give as "0"/"1" or 0/1.
func mfaSetting(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		s = strings.TrimSpace(string(raw))
	}
	switch s {
	case "0":
		return "notRequired"
	case "1":
		return "required"
	}
	return s
}

func decodeRegistrationPolicy(j *job) facts.Delta {
	f := j.fetches[0]
	w, err := entity[wireRegistrationPolicy](f)
	if err != nil {
		return bad(err)
	}
	pol := &facts.DeviceRegistrationPolicy{ID: w.ID, MultiFactorAuthConfiguration: mfaSetting(w.MultiFactorAuthConfiguration),
		UserDeviceQuota: w.UserDeviceQuota, AzureADJoin: w.AzureADJoin.membership(w.AzureADJoin.AllowedToJoin),
		AzureADRegistration:            w.AzureADRegistration.membership(w.AzureADRegistration.AllowedToRegister),
		AzureADJoinIsAdminConfigurable: w.AzureADJoin.IsAdminConfigurable, Raw: f.pages[0]}
	return facts.Delta{Apply: func(f *facts.Facts) { f.RegistrationPolicy = pol }}
}

func decodeCA(j *job) facts.Delta {
	ws, err := values[wireCAPolicy](j.fetches[0])
	if err != nil {
		return bad(err)
	}
	out := caPolicies(ws)
	return facts.Delta{Apply: func(f *facts.Facts) { f.CAPolicies = out }}
}

// caPolicies turns Graph's policies into facts. platforms, locations and devices are null when unset.
func caPolicies(ws []wireCAPolicy) []facts.CAPolicy {
	out := make([]facts.CAPolicy, len(ws))
	for i, w := range ws {
		c, u := w.Conditions, w.Conditions.Users
		p := facts.CAPolicy{ID: w.ID, DisplayName: w.DisplayName, State: w.State,
			IncludeUserActions: c.Applications.IncludeUserActions, IncludeApplications: c.Applications.IncludeApplications,
			ExcludeApplications: c.Applications.ExcludeApplications,
			IncludeUsers:        u.IncludeUsers, ExcludeUsers: u.ExcludeUsers, IncludeGroups: u.IncludeGroups,
			ExcludeGroups: u.ExcludeGroups, IncludeRoles: u.IncludeRoles, ExcludeRoles: u.ExcludeRoles,
			ClientAppTypes: c.ClientAppTypes, RiskLevels: append(slices.Clone(c.UserRiskLevels), c.SignInRiskLevels...)}
		if c.Platforms != nil {
			p.IncludePlatforms, p.ExcludePlatforms = c.Platforms.IncludePlatforms, c.Platforms.ExcludePlatforms
		}
		if c.Locations != nil {
			p.IncludeLocations, p.ExcludeLocations = c.Locations.IncludeLocations, c.Locations.ExcludeLocations
		}
		if c.Devices != nil && c.Devices.DeviceFilter != nil {
			p.DeviceFilter = c.Devices.DeviceFilter.Mode + " " + c.Devices.DeviceFilter.Rule
		}
		if g := w.GrantControls; g != nil {
			p.GrantOperator, p.BuiltInControls, p.TermsOfUse = g.Operator, g.BuiltInControls, g.TermsOfUse
			if g.AuthenticationStrength != nil {
				p.AuthenticationStrength = g.AuthenticationStrength.DisplayName
				p.AuthenticationCombinations = g.AuthenticationStrength.AllowedCombinations
			}
		}
		out[i] = p
	}
	return out
}

// decodeTroubleshooting keeps the events of the triaged user (all of them for a tenant run):
// Graph offers no server-side filter by user for this collection.
func decodeTroubleshooting(j *job, user *fetch) facts.Delta {
	ws, err := values[wireEvent](j.fetches[0])
	if err != nil {
		return bad(err)
	}
	userID := ""
	if user != nil {
		// Without the user's id every event of the tenant would count as the user's.
		u, err := readUser(user)
		if err != nil {
			return bad(err)
		}
		userID = u.ID
	}
	var out []facts.TroubleshootingEvent
	for _, w := range ws {
		if userID != "" && !strings.EqualFold(w.UserID, userID) {
			continue
		}
		out = append(out, facts.TroubleshootingEvent{ID: w.ID, EventDateTime: w.EventDateTime, CorrelationID: w.CorrelationID,
			ManagedDeviceIdentifier: w.ManagedDeviceIdentifier, OperatingSystem: w.OperatingSystem, OSVersion: w.OSVersion,
			UserID: w.UserID, DeviceID: w.DeviceID, EnrollmentType: w.EnrollmentType, FailureCategory: w.FailureCategory,
			FailureReason: w.FailureReason})
	}
	return facts.Delta{Apply: func(f *facts.Facts) { f.Troubleshooting = out }}
}

// isGUID reports whether s has the 8-4-4-4-12 hexadecimal form of a device or object id.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

type wireDeviceWithOwners struct {
	wireDevice
	RegisteredOwners []wireUser `json:"registeredOwners"`
}

// ownerName names a device's registered owner by UPN or, when Graph sent the directory object without
// it (the documented registeredOwners sample), by object id: an owner is never dropped unnamed.
func ownerName(u wireUser) string {
	if u.UserPrincipalName != "" {
		return u.UserPrincipalName
	}
	return u.ID
}

// scopeGroupIDs returns the included groups of a policy that scopes to selected groups; none for
// a policy that applies to all, to none, or is absent (the checks judge those by AppliesTo).
func scopeGroupIDs(policy, groups *fetch) []string {
	if policy.failed() || groups.failed() {
		return nil
	}
	w, err := entity[wireMobilityPolicy](policy)
	if err != nil || w.AppliesTo != "selected" {
		return nil
	}
	gs, err := values[wireDirectoryObject](groups)
	if err != nil {
		return nil
	}
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
	}
	return ids
}

// decodeScopeMembers lists the users each scope reaches, through nested groups, once each.
func decodeScopeMembers(p *plan, mdm, mam [2]*fetch, members map[facts.Source][]*fetch) facts.Delta {
	for src, pf := range map[facts.Source][2]*fetch{facts.SrcMDMPolicy: mdm, facts.SrcMAMPolicy: mam} {
		if pf[0].failed() && pf[0].status != http.StatusNotFound {
			return facts.Delta{Err: p.failure(facts.SrcScopeMembers, pf[0])}
		}
		for _, f := range append([]*fetch{pf[1]}, members[src]...) {
			if f.failed() && !pf[0].failed() {
				return facts.Delta{Err: p.failure(facts.SrcScopeMembers, f)}
			}
		}
	}
	upns := func(fs []*fetch) ([]string, error) {
		var out []string
		seen := map[string]bool{}
		for _, f := range fs {
			us, err := values[wireUser](f)
			if err != nil {
				return nil, err
			}
			for _, u := range us {
				// A member Graph sent without its UPN (the documented cast sample) is named by its id.
				n := ownerName(u)
				if n != "" && !seen[strings.ToLower(n)] {
					seen[strings.ToLower(n)] = true
					out = append(out, n)
				}
			}
		}
		return out, nil
	}
	sm := &facts.ScopeMembers{}
	var err error
	if sm.MDM, err = upns(members[facts.SrcMDMPolicy]); err != nil {
		return bad(err)
	}
	if sm.MAM, err = upns(members[facts.SrcMAMPolicy]); err != nil {
		return bad(err)
	}
	return facts.Delta{Apply: func(f *facts.Facts) { f.ScopeMembers = sm }}
}

package graphtest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Object is one Graph entity as JSON: its properties as Graph returns them, plus the navigation
// properties the fixture uses to relate entities (members, registeredOwners, includedGroups, ...),
// which the server never returns as properties.
type Object map[string]any

// ID returns the object's id property.
func (o Object) ID() string { return o.str("id") }

func (o Object) str(key string) string {
	s, _ := o[key].(string)
	return s
}

func (o Object) strings(key string) []string {
	raw, _ := o[key].([]any)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Operator is who the scenario's token says is signed in.
type Operator struct {
	UserPrincipalName string `json:"userPrincipalName"`
	// Scopes are the delegated scopes (the scp claim).
	Scopes []string `json:"scopes"`
	// AppRoles are application permissions (the roles claim): set for an app-only operator.
	AppRoles []string `json:"appRoles"`
	// RoleTemplateIDs are the Entra directory roles held (the wids claim).
	RoleTemplateIDs []string `json:"wids"`
}

// Tenant is a scenario tenant: what the fake Graph server serves. The server owns it once it is
// handed to NewServer; read and change it only through the server.
type Tenant struct {
	TenantID    string   `json:"tenantId"`
	DisplayName string   `json:"displayName"`
	Operator    Operator `json:"operator"`
	// MDMAuthority is the organization's mobileDeviceManagementAuthority; not served when empty.
	MDMAuthority string `json:"mobileDeviceManagementAuthority"`

	Domains        []Object `json:"domains"`
	Users          []Object `json:"users"`
	Groups         []Object `json:"groups"`
	DirectoryRoles []Object `json:"directoryRoles"`
	SubscribedSkus []Object `json:"subscribedSkus"`
	// LicenseProvisioning overrides, per user id and service plan name, the provisioningStatus that
	// licenseDetails reports (Success otherwise, Disabled for disabled plans).
	LicenseProvisioning map[string]map[string]string `json:"licenseProvisioning"`
	Devices             []Object                     `json:"devices"`
	ManagedDevices      []Object                     `json:"managedDevices"`

	MobileDeviceManagementPolicies []Object `json:"mobileDeviceManagementPolicies"`
	MobileAppManagementPolicies    []Object `json:"mobileAppManagementPolicies"`
	DeviceRegistrationPolicy       Object   `json:"deviceRegistrationPolicy"`
	ConditionalAccessPolicies      []Object `json:"conditionalAccessPolicies"`
	DeviceEnrollmentConfigurations []Object `json:"deviceEnrollmentConfigurations"`
	TroubleshootingEvents          []Object `json:"troubleshootingEvents"`
	// BitlockerRecoveryKeys and DeviceLocalCredentials (ids are device ids) are what deleting a
	// device record would delete with it (devicesecrets.go).
	BitlockerRecoveryKeys  []Object `json:"bitlockerRecoveryKeys"`
	DeviceLocalCredentials []Object `json:"deviceLocalCredentials"`
	// SignIns are the sign-in log (auditLogs/signIns); SignInsUnlicensed makes reading it fail as in
	// a tenant without Microsoft Entra ID P1 or P2.
	SignIns           []Object `json:"signIns"`
	SignInsUnlicensed bool     `json:"signInsUnlicensed"`
}

// Load reads a scenario tenant from a JSON fixture in fsys, resolving relative dates against now.
func Load(fsys fs.FS, name string) (*Tenant, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read tenant fixture: %w", err)
	}
	t, err := Parse(data, time.Now())
	if err != nil {
		return nil, fmt.Errorf("tenant fixture %s: %w", name, err)
	}
	return t, nil
}

// relativeDate is a fixture date written relative to the load time: "now", "now-2d", "now-3h+30m".
var relativeDate = regexp.MustCompile(`^now((?:[+-]\d+[dhms])*)$`)

var relativeStep = regexp.MustCompile(`([+-])(\d+)([dhms])`)

// Parse decodes a scenario tenant. String values of the form "now", "now-2d" or "now+1h" become
// RFC 3339 UTC times relative to now, so that fixtures stay "2 days ago" whenever they are loaded.
// It checks every property name against Graph's schema and every reference between objects.
func Parse(data []byte, now time.Time) (*Tenant, error) {
	var t Tenant
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	now = now.UTC().Truncate(time.Second)
	for _, c := range t.collections() {
		for _, o := range *c.objects {
			resolveDates(o, now)
		}
	}
	resolveDates(t.DeviceRegistrationPolicy, now)
	if err := t.validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

func resolveDates(v any, now time.Time) any {
	switch x := v.(type) {
	case Object:
		for k, e := range x {
			x[k] = resolveDates(e, now)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = resolveDates(e, now)
		}
	case []any:
		for i, e := range x {
			x[i] = resolveDates(e, now)
		}
	case string:
		m := relativeDate.FindStringSubmatch(x)
		if m == nil {
			return x
		}
		at := now
		for _, step := range relativeStep.FindAllStringSubmatch(m[1], -1) {
			n, _ := strconv.Atoi(step[2])
			d := time.Duration(n) * map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute, "s": time.Second}[step[3]]
			if step[1] == "-" {
				d = -d
			}
			at = at.Add(d)
		}
		return at.Format(time.RFC3339)
	}
	return v
}

// collection names one entity set of the tenant and the Graph type of its objects.
type collection struct {
	name    string
	typ     string
	objects *[]Object
}

func (t *Tenant) collections() []collection {
	return []collection{
		{"domains", "domain", &t.Domains},
		{"users", "user", &t.Users},
		{"groups", "group", &t.Groups},
		{"directoryRoles", "directoryRole", &t.DirectoryRoles},
		{"subscribedSkus", "subscribedSku", &t.SubscribedSkus},
		{"devices", "device", &t.Devices},
		{"managedDevices", "managedDevice", &t.ManagedDevices},
		{"mobileDeviceManagementPolicies", "mobilityManagementPolicy", &t.MobileDeviceManagementPolicies},
		{"mobileAppManagementPolicies", "mobilityManagementPolicy", &t.MobileAppManagementPolicies},
		{"conditionalAccessPolicies", "conditionalAccessPolicy", &t.ConditionalAccessPolicies},
		{"deviceEnrollmentConfigurations", "deviceEnrollmentConfiguration", &t.DeviceEnrollmentConfigurations},
		{"troubleshootingEvents", "enrollmentTroubleshootingEvent", &t.TroubleshootingEvents},
		{"bitlockerRecoveryKeys", "bitlockerRecoveryKey", &t.BitlockerRecoveryKeys},
		{"deviceLocalCredentials", "deviceLocalCredentialInfo", &t.DeviceLocalCredentials},
		{"signIns", "signIn", &t.SignIns},
	}
}

func (t *Tenant) validate() error {
	if t.TenantID == "" {
		return fmt.Errorf("tenantId is missing")
	}
	ids := map[string]string{}
	for _, c := range t.collections() {
		for i, o := range *c.objects {
			if o.ID() == "" {
				return fmt.Errorf("%s[%d] has no id", c.name, i)
			}
			for k := range o {
				if k != "@odata.type" && !knownProperty(c.typ, k) {
					return fmt.Errorf("%s[%d] (%s): %s is not a property of %s", c.name, i, o.ID(), k, c.typ)
				}
			}
			ids[o.ID()] = c.name
		}
	}
	for k := range t.DeviceRegistrationPolicy {
		if k != "@odata.type" && k != "@odata.context" && !knownProperty("deviceRegistrationPolicy", k) {
			return fmt.Errorf("deviceRegistrationPolicy: %s is not a property of deviceRegistrationPolicy", k)
		}
	}
	refs := []struct {
		objs  []Object
		field string
		want  []string
	}{
		{t.Groups, "members", []string{"users", "groups", "devices"}},
		{t.DirectoryRoles, "members", []string{"users", "groups"}},
		{t.Devices, "registeredOwners", []string{"users"}},
		{t.Devices, "registeredUsers", []string{"users"}},
		{t.MobileDeviceManagementPolicies, "includedGroups", []string{"groups"}},
		{t.MobileAppManagementPolicies, "includedGroups", []string{"groups"}},
	}
	for _, r := range refs {
		for _, o := range r.objs {
			for _, id := range o.strings(r.field) {
				if !slices.Contains(r.want, ids[id]) {
					return fmt.Errorf("%s of %s names %s, which is none of the tenant's %s",
						r.field, o.ID(), id, strings.Join(r.want, " or "))
				}
			}
		}
	}
	for _, u := range t.Users {
		for _, l := range objects(u["assignedLicenses"]) {
			if findObject(t.SubscribedSkus, "skuId", Object(l).str("skuId")) == nil {
				return fmt.Errorf("user %s is assigned sku %s, which the tenant has not bought", u.ID(),
					Object(l).str("skuId"))
			}
		}
	}
	for id := range t.LicenseProvisioning {
		if ids[id] != "users" {
			return fmt.Errorf("licenseProvisioning names %s, which is not a user id", id)
		}
	}
	return nil
}

// objects returns the JSON objects of an array value.
func objects(v any) []map[string]any {
	raw, _ := v.([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, e := range raw {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// findObject returns the first object whose key equals value (case-insensitively), or nil.
func findObject(list []Object, key, value string) Object {
	for _, o := range list {
		if s, ok := o[key].(string); ok && strings.EqualFold(s, value) {
			return o
		}
	}
	return nil
}

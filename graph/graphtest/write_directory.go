package graphtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// deleteDevice deletes an Entra device object (204), and its memberships with it.
func (c *call) deleteDevice() response {
	id := c.segs[1]
	i := slices.IndexFunc(c.t.Devices, func(o Object) bool { return strings.EqualFold(o.ID(), id) })
	if i < 0 {
		return errNotFound(id)
	}
	deviceID, _ := c.t.Devices[i]["deviceId"].(string)
	c.t.Devices = slices.Delete(c.t.Devices, i, i+1)
	c.dropDeviceSecrets(deviceID)
	for _, g := range c.t.Groups {
		ids := g.strings("members")
		if j := slices.Index(ids, id); j >= 0 {
			g["members"] = toAny(slices.Delete(ids, j, j+1))
		}
	}
	return noContent()
}

// deleteManagedDevice deletes an Intune managed device record (204).
func (c *call) deleteManagedDevice() response {
	id := c.segs[2]
	i := slices.IndexFunc(c.t.ManagedDevices, func(o Object) bool { return strings.EqualFold(o.ID(), id) })
	if i < 0 {
		return errorResponse(http.StatusNotFound, "ResourceNotFound", "The managed device "+id+" does not exist.")
	}
	c.t.ManagedDevices = slices.Delete(c.t.ManagedDevices, i, i+1)
	return noContent()
}

// licenseChange is the body of assignLicense.
type licenseChange struct {
	AddLicenses []struct {
		SkuID         string   `json:"skuId"`
		DisabledPlans []string `json:"disabledPlans"`
	} `json:"addLicenses"`
	RemoveLicenses []string `json:"removeLicenses"`
}

// assignLicense adds and removes licences as the service does: both lists are required, an added
// licence needs a usage location on the user and a free unit of the SKU, a removed one must be held.
// It answers 200 with the user.
func (c *call) assignLicense() response {
	u := c.resolveUser(c.segs[1])
	if u == nil {
		return errNotFound(c.segs[1])
	}
	m, errResp := decodeObject(c.body)
	if errResp != nil {
		return *errResp
	}
	for _, k := range []string{"addLicenses", "removeLicenses"} {
		if raw, ok := m[k]; !ok || string(raw) == "null" {
			return badRequest("Invalid value specified for property '" + k + "' of resource 'User'.")
		}
	}
	var ch licenseChange
	if err := json.Unmarshal(c.body, &ch); err != nil {
		return badRequest("Invalid license assignment: " + err.Error())
	}
	held := objects(u["assignedLicenses"])
	holds := func(sku string) int {
		return slices.IndexFunc(held, func(l map[string]any) bool { return strings.EqualFold(Object(l).str("skuId"), sku) })
	}
	if len(ch.AddLicenses) > 0 && u.str("usageLocation") == "" {
		return badRequest("License assignment cannot be done for user with invalid usage location.")
	}
	for _, sku := range ch.RemoveLicenses {
		if holds(sku) < 0 {
			return badRequest("User does not have a corresponding license.")
		}
	}
	for _, a := range ch.AddLicenses {
		s := findObject(c.t.SubscribedSkus, "skuId", a.SkuID)
		if s == nil {
			return badRequest("License " + a.SkuID + " does not correspond to a valid company License.")
		}
		if holds(a.SkuID) < 0 && enabledUnits(s) <= number(s["consumedUnits"]) {
			return badRequest("Subscription " + a.SkuID + " does not have any available licenses.")
		}
	}
	for _, sku := range ch.RemoveLicenses {
		i := holds(sku)
		held = slices.Delete(held, i, i+1)
		s := findObject(c.t.SubscribedSkus, "skuId", sku)
		s["consumedUnits"] = number(s["consumedUnits"]) - 1
	}
	for _, a := range ch.AddLicenses {
		disabled := toAny(a.DisabledPlans)
		if i := holds(a.SkuID); i >= 0 {
			held[i]["disabledPlans"] = disabled
			continue
		}
		held = append(held, map[string]any{"skuId": a.SkuID, "disabledPlans": disabled})
		s := findObject(c.t.SubscribedSkus, "skuId", a.SkuID)
		s["consumedUnits"] = number(s["consumedUnits"]) + 1
	}
	list := make([]any, len(held))
	for i, l := range held {
		list[i] = l
	}
	u["assignedLicenses"] = list
	return c.entity("user", u, nil)
}

func enabledUnits(sku Object) float64 {
	units, _ := sku["prepaidUnits"].(map[string]any)
	return number(units["enabled"])
}

func number(v any) float64 {
	f, _ := v.(float64)
	return f
}

// countryCode is an ISO 3166 alpha-2 code, as usageLocation takes.
var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// patchUser updates a user. The fake serves the property the licence fix sets, usageLocation (a
// two-letter country code, or null to clear it), and refuses others rather than pretend.
func (c *call) patchUser() response {
	u := c.resolveUser(c.segs[1])
	if u == nil {
		return errNotFound(c.segs[1])
	}
	m, errResp := decodeObject(c.body)
	if errResp != nil {
		return *errResp
	}
	for k, raw := range m {
		if k != "usageLocation" {
			if knownProperty("user", k) {
				return errorResponse(http.StatusNotImplemented, "NotImplemented",
					"The fake Graph updates usageLocation only, not "+k+".")
			}
			return unknownProperty("user", k)
		}
		var v *string
		if json.Unmarshal(raw, &v) != nil || (v != nil && !countryCode.MatchString(*v)) {
			return badRequest("Invalid value specified for property 'usageLocation' of resource 'User': use " +
				"an ISO 3166 two-letter country code.")
		}
		if v == nil {
			u["usageLocation"] = nil
			continue
		}
		u["usageLocation"] = *v
	}
	return noContent()
}

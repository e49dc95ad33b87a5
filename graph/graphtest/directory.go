package graphtest

import (
	"encoding/base64"
	"slices"
	"strings"
)

// withType returns a copy of o carrying the @odata.type Graph puts on directory objects in mixed
// collections (memberOf, registeredDevices, includedGroups).
func withType(o Object, typ string) Object {
	out := make(Object, len(o)+1)
	for k, v := range o {
		out[k] = v
	}
	out["@odata.type"] = "#microsoft.graph." + typ
	return out
}

// directParents returns the groups and directory roles that list id as a member.
func (c *call) directParents(id string) []Object {
	var out []Object
	for _, g := range c.t.Groups {
		if slices.Contains(g.strings("members"), id) {
			out = append(out, withType(g, "group"))
		}
	}
	for _, r := range c.t.DirectoryRoles {
		if slices.Contains(r.strings("members"), id) {
			out = append(out, withType(r, "directoryRole"))
		}
	}
	return out
}

// transitiveParents follows nested membership upwards, each group once.
func (c *call) transitiveParents(id string) []Object {
	var out []Object
	seen := map[string]bool{}
	queue := []string{id}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, p := range c.directParents(cur) {
			if seen[p.ID()] {
				continue
			}
			seen[p.ID()] = true
			out = append(out, p)
			queue = append(queue, p.ID())
		}
	}
	return out
}

// members returns a group's direct members as typed directory objects.
func (c *call) members(g Object) []Object {
	var out []Object
	for _, id := range g.strings("members") {
		if o := c.directoryObject(id); o != nil {
			out = append(out, o)
		}
	}
	return out
}

// transitiveMembers follows nested groups downwards, each object once.
func (c *call) transitiveMembers(g Object) []Object {
	var out []Object
	seen := map[string]bool{g.ID(): true}
	queue := g.strings("members")
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		o := c.directoryObject(id)
		if o == nil {
			continue
		}
		out = append(out, o)
		if o.str("@odata.type") == "#microsoft.graph.group" {
			queue = append(queue, o.strings("members")...)
		}
	}
	return out
}

// directoryObject finds a user, group or device by id, typed.
func (c *call) directoryObject(id string) Object {
	for _, set := range []struct {
		typ  string
		objs []Object
	}{{"user", c.t.Users}, {"group", c.t.Groups}, {"device", c.t.Devices}} {
		if o := findObject(set.objs, "id", id); o != nil {
			return withType(o, set.typ)
		}
	}
	return nil
}

// licenseDetails derives a user's licenseDetails from assignedLicenses and the tenant's SKUs, as
// Graph does: each plan of an assigned SKU is Success, Disabled when listed in disabledPlans, or
// what the fixture's licenseProvisioning says.
func (c *call) licenseDetails(u Object) []Object {
	overrides := c.t.LicenseProvisioning[u.ID()]
	var out []Object
	for _, l := range objects(u["assignedLicenses"]) {
		lic := Object(l)
		sku := findObject(c.t.SubscribedSkus, "skuId", lic.str("skuId"))
		if sku == nil {
			continue
		}
		disabled := lic.strings("disabledPlans")
		plans := []any{}
		for _, p := range objects(sku["servicePlans"]) {
			plan := Object(p)
			status := "Success"
			if slices.ContainsFunc(disabled, func(id string) bool { return strings.EqualFold(id, plan.str("servicePlanId")) }) {
				status = "Disabled"
			}
			if s, ok := overrides[plan.str("servicePlanName")]; ok {
				status = s
			}
			plans = append(plans, map[string]any{
				"servicePlanId":      plan["servicePlanId"],
				"servicePlanName":    plan["servicePlanName"],
				"provisioningStatus": status,
				"appliesTo":          plan["appliesTo"],
			})
		}
		out = append(out, Object{
			// Graph's licenseDetails ids are opaque strings derived from the user and the SKU.
			"id":            base64.RawURLEncoding.EncodeToString([]byte(u.ID() + ":" + lic.str("skuId"))),
			"skuId":         sku["skuId"],
			"skuPartNumber": sku["skuPartNumber"],
			"servicePlans":  plans,
		})
	}
	return out
}

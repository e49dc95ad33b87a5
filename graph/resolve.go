package graph

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// DeviceOwner is a device found by name or serial number, with the user it belongs to.
type DeviceOwner struct {
	Device string // display name
	Where  string // "Intune" or "Entra ID"
	UPN    string
}

// ResolveDevice finds the users of a device named (or with the serial number) input: Intune's
// primary user of a managed device, and the registered owners of Entra device objects. Both are asked
// in one batch. Intune's $filter on managedDevices is undocumented and an unsupported one is silently
// ignored, so every answer is matched again here.
func (c *Client) ResolveDevice(ctx context.Context, input string) ([]DeviceOwner, error) {
	lit := "'" + strings.ReplaceAll(input, "'", "''") + "'"
	managed := newFetch("1", "v1.0", "/deviceManagement/managedDevices",
		"$filter="+url.QueryEscape("deviceName eq "+lit+" or serialNumber eq "+lit)+"&$select=id,deviceName,serialNumber,userPrincipalName", false)
	entra := newFetch("2", "v1.0", "/devices",
		"$filter="+url.QueryEscape("displayName eq "+lit)+"&$select=id,displayName&$expand=registeredOwners($select=id,userPrincipalName)", false)
	c.runFetches(ctx, "v1.0", []*fetch{managed, entra}, func(*fetch) []*fetch { return nil })
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, f := range []*fetch{managed, entra} {
		if !f.done {
			return nil, fmt.Errorf("looking up device %q: no answer from Graph; retry", input)
		}
		if f.failed() {
			src := facts.SrcAllManagedDevices
			if f == entra {
				src = facts.SrcAllDevices
			}
			if f.err != nil {
				return nil, fmt.Errorf("looking up device %q: %w", input, f.err)
			}
			return nil, fmt.Errorf("looking up device %q: %w", input, failure(src, f.status, f.errBody, false, ""))
		}
	}
	var out []DeviceOwner
	add := func(o DeviceOwner) {
		if o.UPN != "" && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	mds, err := values[wireManagedDevice](managed)
	if err != nil {
		return nil, err
	}
	for _, d := range mds {
		if strings.EqualFold(d.DeviceName, input) || strings.EqualFold(d.SerialNumber, input) {
			add(DeviceOwner{Device: d.DeviceName, Where: "Intune", UPN: d.UserPrincipalName})
		}
	}
	eds, err := values[wireDeviceWithOwners](entra)
	if err != nil {
		return nil, err
	}
	for _, d := range eds {
		if !strings.EqualFold(d.DisplayName, input) {
			continue
		}
		for _, o := range d.RegisteredOwners {
			add(DeviceOwner{Device: d.DisplayName, Where: "Entra ID", UPN: o.UserPrincipalName})
		}
	}
	return out, nil
}

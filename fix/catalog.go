package fix

import (
	"fmt"
	"slices"
	"strings"
)

// fixInfo is what the machinery knows about one fix of the catalog.
type fixInfo struct {
	id string
	// offeredBy are the checks whose results offer the fix.
	offeredBy []string
	// affects are the checks run again once the fix is applied.
	affects []string
}

// catalog lists the fixes of design.md's fix catalog.
func catalog() []fixInfo {
	mdm := []string{"scope.mdm"}
	mdmAffects := []string{"scope.mdm", "scope.mam-conflict"}
	mam := []string{"scope.mam-conflict"}
	licences := []string{"license.intune", "license.entra-premium"}
	devices := []string{"devices.duplicates"}
	// device.* judge a pasted dsregcmd against the records: they change when a record goes.
	deviceAffects := []string{"devices.duplicates", "devices.limits", "device.record", "device.auth-status"}
	mfa := []string{"mfa.registration"}
	dns := []string{"dns.enrollment-cname", "dns.registration-cname"}
	return []fixInfo{
		{"scope.mdm.add-user-to-group", mdm, mdmAffects},
		{"scope.mdm.add-group", mdm, mdmAffects},
		{"scope.mdm.all", mdm, mdmAffects},
		{"scope.urls.reset", []string{"scope.urls"}, []string{"scope.urls"}},
		{"scope.mam-conflict.remove-user", mam, mam},
		{"scope.mam-conflict.remove-group", mam, mam},
		{"scope.mam-conflict.mam-none", mam, mam},
		{"license.assign", licences, licences},
		{"devices.duplicates.disable-stale", devices, deviceAffects},
		{"devices.duplicates.delete-stale", devices, deviceAffects},
		{"mfa.registration.policy-not-required", mfa, mfa},
		{"mfa.registration.create-ca-report-only", mfa, mfa},
		{"dns.create-record", dns, dns},
	}
}

// IDs lists the fix IDs of the catalog.
func IDs() []string {
	var out []string
	for _, f := range catalog() {
		out = append(out, f.id)
	}
	return out
}

// lookup returns a fix of the catalog, or an error naming the fixes there are.
func lookup(id string) (fixInfo, error) {
	i := slices.IndexFunc(catalog(), func(f fixInfo) bool { return f.id == id })
	if i < 0 {
		return fixInfo{}, fmt.Errorf("unknown fix %q: the fixes are %s", id, strings.Join(IDs(), ", "))
	}
	return catalog()[i], nil
}

// Offering returns the check IDs whose results offer the fix id (none for an unknown fix).
func Offering(id string) []string {
	f, _ := lookup(id)
	return f.offeredBy
}

package checks

import "github.com/mdmdoctor/mdmdoctor/facts"

// tenantOnly marks the tenant-wide judgments of checks whose catalog entry judges one user.
var tenantOnly = []facts.TargetKind{facts.TargetTenant}

// Walkthrough returns the checks of a whole-tenant run in the order of the seed procedure:
// requirements, MDM user scope, MDM URLs, MAM (WIP) scope, MFA for device registration, DNS for every
// verified domain, enrollment restrictions, and the sweep of every Windows device, slowest last. Checks
// that judge a user in the catalog are replaced by their tenant-wide judgment under the same ID, so
// that --only, the JSON report and the docs name one check either way. The two device judgments share
// one grouping of the tenant's records, made once per Walkthrough.
func Walkthrough() []Check {
	links := &linkCache{}
	return []Check{
		permissionsCheck(),
		tenantLicenseCheck(entraPremiumCheck(), entraPremiumPlans),
		tenantLicenseCheck(intuneLicenseCheck(), intunePlans),
		tenantScopeCheck(links),
		urlsCheck(),
		tenantMAMCheck(),
		tenantMFACheck(),
		dnsEnrollmentCheck(),
		dnsRegistrationCheck(),
		tenantRestrictionsCheck(),
		tenantDevicesCheck(links),
	}
}

// asTenantCheck turns a user check into its tenant-wide form: same ID, title, step and docs.
func asTenantCheck(c Check, question string, needs []facts.Source, judge func(*facts.Facts) []Result) Check {
	c.Modes, c.Question, c.Needs, c.Judge = tenantOnly, question, needs, judge
	return c
}

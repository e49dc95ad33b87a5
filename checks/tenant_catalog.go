package checks

import "github.com/mdmdoctor/mdmdoctor/facts"

// tenantOnly marks the tenant-wide judgments of checks whose catalog entry judges one user.
var tenantOnly = []facts.TargetKind{facts.TargetTenant}

// Walkthrough returns the checks of a whole-tenant run in the order of the seed procedure:
// requirements, MDM user scope, MDM URLs, MAM (WIP) scope, MFA for device registration, DNS for every
// verified domain, enrollment restrictions, and the sweep of every Windows device, slowest last. Checks
// that judge a user in the catalog are replaced by their tenant-wide judgment under the same ID, so
// that --only, the JSON report and the docs name one check either way.
func Walkthrough() []Check { return NewTenantRun().Checks() }

// TenantRun is one whole-tenant walkthrough: its checks, whose two device judgments share one grouping
// of the tenant's device records, and that grouping, which a reader may build while the records stream
// in (AddEntraDevice, AddManagedDevice): the sweep's matching is then mostly done when the last page
// arrives. Records not fed, or fed records that turn out not to be the facts judged, are grouped when
// the checks judge.
type TenantRun struct{ links *linkCache }

// NewTenantRun starts a walkthrough.
func NewTenantRun() *TenantRun { return &TenantRun{links: &linkCache{}} }

// Checks returns the walkthrough's checks, in order.
func (r *TenantRun) Checks() []Check {
	return []Check{
		permissionsCheck(),
		tenantLicenseCheck(entraPremiumCheck(), entraPremiumPlans),
		tenantLicenseCheck(intuneLicenseCheck(), intunePlans),
		mdmAuthorityCheck(),
		tenantScopeCheck(r.links),
		urlsCheck(),
		tenantMAMCheck(),
		tenantMFACheck(),
		dnsEnrollmentCheck(),
		dnsRegistrationCheck(),
		tenantRestrictionsCheck(),
		tenantDevicesCheck(r.links),
	}
}

// AddEntraDevice groups the next Entra device of the tenant, in the order of facts.AllDevices. It is
// safe to call while AddManagedDevice runs.
func (r *TenantRun) AddEntraDevice(e facts.EntraDevice) { r.links.feedEntra(e) }

// AddManagedDevice groups the next Intune managed device, in the order of facts.AllManagedDevices.
func (r *TenantRun) AddManagedDevice(m facts.ManagedDevice) { r.links.feedManaged(m) }

// asTenantCheck turns a user check into its tenant-wide form: same ID, title, step and docs.
func asTenantCheck(c Check, question string, needs []facts.Source, judge func(*facts.Facts) []Result) Check {
	c.Modes, c.Question, c.Needs, c.Judge = tenantOnly, question, needs, judge
	return c
}

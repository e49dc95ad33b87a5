package graph

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// $select lists: only what the facts need, so that Graph sends (and meters) less.
const (
	selUser          = "id,userPrincipalName,displayName,accountEnabled,usageLocation,assignedLicenses,onPremisesUserPrincipalName,onPremisesSyncEnabled"
	selDomain        = "id,isVerified,isDefault,isInitial,authenticationType"
	selLicense       = "skuId,skuPartNumber,servicePlans"
	selSku           = "skuId,skuPartNumber,capabilityStatus,consumedUnits,prepaidUnits,servicePlans"
	selMemberOf      = "id,displayName,groupTypes,roleTemplateId"
	selDevice        = "id,deviceId,displayName,trustType,isManaged,isCompliant,accountEnabled,mdmAppId,operatingSystem,operatingSystemVersion,profileType,enrollmentType,approximateLastSignInDateTime,registrationDateTime,physicalIds"
	selManagedDevice = "id,azureADDeviceId,deviceName,serialNumber,userPrincipalName,userId,operatingSystem,managementAgent,managedDeviceOwnerType,deviceEnrollmentType,deviceRegistrationState,complianceState,enrolledDateTime,lastSyncDateTime"
	selGroup         = "id,displayName,groupTypes"
	selCA            = "id,displayName,state,conditions,grantControls"
	topMax           = "&$top=999"
)

// job is one source: the fetches that read it and how their pages become a Delta.
type job struct {
	source   facts.Source
	version  string
	fetches  []*fetch
	endpoint string
	// after lists fetches of other jobs this one also needs (the user, to filter events by id).
	after []*fetch
	// more, when set, runs once the fetches above are done and returns the reads that depend on
	// them (the members of the scope groups); the job settles when those are done too.
	more  func() []*fetch
	grown bool
	build func() facts.Delta
	sent  bool
}

// Read implements facts.Reader: it gathers one user's triage (or, for a tenant target, the
// tenant-wide sources) in as few round trips as Graph allows. Every request goes into JSON batches,
// one per API version, sent concurrently; next pages and throttled items follow in later rounds.
// A delta is sent for each source as soon as its requests are done.
func (c *Client) Read(ctx context.Context, t facts.Target, out chan<- facts.Delta) {
	if t.Kind != facts.TargetUser && t.Kind != facts.TargetTenant {
		return
	}
	send := func(d facts.Delta) bool {
		select {
		case out <- d:
			return true
		case <-ctx.Done():
			return false
		}
	}
	op := c.operator(ctx)
	if op.err == nil && op.op.TenantID == "" {
		// An opaque token does not say which tenant it is for: device.tenant compares ids, never names.
		if tid, err := c.organizationID(ctx); err == nil {
			op.op.TenantID = tid
		}
	}
	if op.err != nil {
		if !send(facts.Delta{Source: facts.SrcOperator, Err: op.err}) {
			return
		}
	} else if !send(facts.Delta{Source: facts.SrcOperator, Apply: func(f *facts.Facts) {
		f.Operator = op.op
		// The report and device.tenant name the tenant; the token says which one it is.
		if f.Target.TenantID == "" {
			f.Target.TenantID = op.op.TenantID
		}
	}}) {
		return
	}
	appOnly := c.auth.appOnly() || (op.op != nil && op.op.Known && op.op.AppOnly)

	p := &plan{c: c, upn: t.User, policies: map[facts.Source][2]*fetch{}}
	if t.Kind == facts.TargetUser {
		p.userJobs(t.DeviceIDs)
	}
	p.tenantJobs(t.Kind == facts.TargetUser)
	if t.Kind == facts.TargetUser {
		p.caJobs()
		p.nestingJob()
	}
	if t.Kind == facts.TargetTenant {
		p.walkthroughJobs()
	}
	for _, j := range p.jobs {
		if appOnly && sourceAccess[j.source].delegatedOnly {
			j.sent = true
			if !send(facts.Delta{Source: j.source, Endpoint: j.endpoint, Skip: fmt.Sprintf(
				"Graph offers %s only to a signed-in user (delegated permission %s): app-only sign-in cannot read "+
					"it; sign in as a user (--auth devicecode) to run this check",
				j.source, sourceAccess[j.source].permission)}) {
				return
			}
		}
	}
	if op.err != nil {
		// Without a token every read fails the same way, each only after the identity library's
		// own retries: say so at once.
		for _, j := range p.jobs {
			if !j.sent && !send(facts.Delta{Source: j.source, Endpoint: j.endpoint, Err: op.err}) {
				return
			}
		}
		if t.Kind == facts.TargetTenant {
			for _, src := range []facts.Source{facts.SrcAllDevices, facts.SrcAllManagedDevices} {
				if !send(facts.Delta{Source: src, Err: op.err}) {
					return
				}
			}
		}
		return
	}

	var wg sync.WaitGroup
	if t.Kind == facts.TargetTenant {
		wg.Go(func() { c.ReadDevices(ctx, out) })
	}
	for _, version := range []string{"v1.0", "beta"} {
		var jobs []*job
		var fetches []*fetch
		for _, j := range p.jobs {
			if j.version == version && !j.sent {
				jobs = append(jobs, j)
				fetches = append(fetches, j.fetches...)
			}
		}
		if len(fetches) == 0 {
			continue
		}
		wg.Go(func() {
			c.runFetches(ctx, version, fetches, func(*fetch) []*fetch {
				var added []*fetch
				for _, j := range jobs {
					if j.sent || !allDone(j.fetches) || !allDone(j.after) {
						continue
					}
					if j.more != nil && !j.grown {
						j.grown = true
						if more := j.more(); len(more) > 0 {
							j.fetches = append(j.fetches, more...)
							added = append(added, more...)
							continue
						}
					}
					j.sent = true
					if ctx.Err() != nil {
						return nil
					}
					d := j.build()
					d.Source, d.Endpoint = j.source, j.endpoint
					send(d)
				}
				return added
			})
		})
	}
	wg.Wait()
}

func allDone(fs []*fetch) bool {
	for _, f := range fs {
		if !f.done {
			return false
		}
	}
	return true
}

type operatorResult struct {
	op  *facts.Operator
	err error
}

// operator reads the signed-in operator from the token's claims: no request to Graph.
func (c *Client) operator(ctx context.Context) operatorResult {
	tok, err := c.token(ctx)
	if err != nil {
		return operatorResult{err: err}
	}
	return operatorResult{op: operator(tok, c.auth.appOnly())}
}

// plan builds the jobs of one read.
type plan struct {
	c    *Client
	upn  string
	jobs []*job
	// n numbers the fetches for their batch ids. Both runners add fetches once the read has started
	// (the scope members and nested groups on beta, the CA exclusions on v1.0), concurrently.
	n    atomic.Int64
	user *fetch
	// policies are the MDM and MAM policy fetches, policy then included groups.
	policies map[facts.Source][2]*fetch
}

// fetch makes a fetch with a short batch id unique within the read.
func (p *plan) fetch(version, path, query string, userPath bool) *fetch {
	return newFetch(strconv.FormatInt(p.n.Add(1), 10), version, path, query, userPath)
}

func (p *plan) add(src facts.Source, version string, build func(*job) facts.Delta, fetches ...*fetch) *job {
	paths := make([]string, len(fetches))
	for i, f := range fetches {
		paths[i] = f.path
		if i > 0 {
			paths[i] = f.path[strings.LastIndex(f.path, "/"):]
		}
	}
	// Several lookups of one path (the pasted DeviceIds) are named once.
	j := &job{source: src, version: version, fetches: fetches, endpoint: "GET /" + version + strings.Join(slices.Compact(paths), " + ")}
	j.build = func() facts.Delta {
		for _, f := range append(fetches, j.after...) {
			if f.failed() {
				return facts.Delta{Err: p.failure(src, f)}
			}
		}
		return build(j)
	}
	p.jobs = append(p.jobs, j)
	return j
}

func (p *plan) failure(src facts.Source, f *fetch) error {
	var ge *Error
	if errors.As(f.err, &ge) {
		return ge
	}
	if f.err != nil {
		return requestFailure(src, f.err, f.userPath, p.upn)
	}
	return failure(src, f.status, f.errBody, f.userPath, p.upn)
}

// userPath is the escaped /users/{upn} segment. A UPN starting with $ would read as a system query
// segment, so it goes in the key form /users('$...'); # and other reserved characters are escaped.
func userPath(upn string) string {
	if strings.HasPrefix(upn, "$") {
		return "/users('" + url.PathEscape(strings.ReplaceAll(upn, "'", "''")) + "')"
	}
	return "/users/" + url.PathEscape(upn)
}

// userJobs adds the user's sources. The user's devices carry the tenant-wide searches for the
// pasted DeviceIds too, so that device.record judges them together.
func (p *plan) userJobs(deviceIDs []string) {
	u := userPath(p.upn)
	p.user = p.fetch("v1.0", u, "$select="+selUser, true)
	p.add(facts.SrcUser, "v1.0", decodeUser, p.user)
	p.add(facts.SrcLicenseDetails, "v1.0", decodeLicenseDetails,
		p.fetch("v1.0", u+"/licenseDetails", "$select="+selLicense, true))
	p.add(facts.SrcMemberOf, "v1.0", decodeMemberOf,
		p.fetch("v1.0", u+"/transitiveMemberOf", "$select="+selMemberOf+topMax, true))
	lookups, searched := p.deviceLookups(deviceIDs)
	p.add(facts.SrcUserDevices, "v1.0", func(j *job) facts.Delta { return decodeUserDevices(j, p.upn, searched) },
		append([]*fetch{p.fetch("v1.0", u+"/registeredDevices", "$select="+selDevice+topMax, true),
			p.fetch("v1.0", u+"/ownedDevices", "$select="+selDevice+topMax, true)}, lookups...)...)
	p.add(facts.SrcManagedDevices, "v1.0", decodeManagedDevices,
		p.fetch("v1.0", u+"/managedDevices", "$select="+selManagedDevice, true))
}

// maxDeviceLookups bounds the tenant-wide DeviceId searches a paste can ask for.
const maxDeviceLookups = 8

// deviceLookups are the tenant-wide searches for the DeviceIds a pasted dsregcmd names
// (GET /devices?$filter=deviceId eq '...', with the registered owners), so that device.record can
// tell a missing record from one another user owns. Ids that are not GUIDs are not sent.
func (p *plan) deviceLookups(ids []string) (fetches []*fetch, searched []string) {
	for _, id := range ids {
		id = strings.ToLower(id)
		if !isGUID(id) || slices.Contains(searched, id) || len(searched) == maxDeviceLookups {
			continue
		}
		searched = append(searched, id)
		fetches = append(fetches, p.fetch("v1.0", "/devices",
			"$filter="+url.QueryEscape("deviceId eq '"+id+"'")+"&$select="+selDevice+
				"&$expand="+url.QueryEscape("registeredOwners($select=id,userPrincipalName)"), false))
	}
	return fetches, searched
}

// tenantJobs adds the tenant-wide sources. For a user target, troubleshooting events are kept to
// the user's own, matched by id on the client once the user is read.
func (p *plan) tenantJobs(forUser bool) {
	p.add(facts.SrcDomains, "v1.0", decodeDomains, p.fetch("v1.0", "/domains", "$select="+selDomain, false))
	p.add(facts.SrcSubscribedSkus, "v1.0", decodeSkus, p.fetch("v1.0", "/subscribedSkus", "$select="+selSku, false))
	p.add(facts.SrcRegistrationPolicy, "v1.0", decodeRegistrationPolicy,
		p.fetch("v1.0", "/policies/deviceRegistrationPolicy", "", false))
	p.add(facts.SrcConditionalAccess, "v1.0", decodeCA,
		p.fetch("v1.0", "/identity/conditionalAccess/policies", "$select="+selCA, false))
	// No $select on these two: their useful properties belong to derived types (windowsRestriction,
	// limit, failureReason), which Graph does not let a base-type collection select.
	p.add(facts.SrcMDMAuthority, "v1.0", decodeMDMAuthority,
		p.fetch("v1.0", "/organization", "$select=id,mobileDeviceManagementAuthority", false))
	// Beta: v1.0 does not serve the single-platform restrictions the admin center creates today.
	p.add(facts.SrcEnrollmentConfigs, "beta", decodeEnrollmentConfigs,
		p.fetch("beta", "/deviceManagement/deviceEnrollmentConfigurations", "$expand=assignments", false))
	events := p.add(facts.SrcTroubleshooting, "v1.0", func(j *job) facts.Delta {
		return decodeTroubleshooting(j, p.user)
	}, p.fetch("v1.0", "/deviceManagement/troubleshootingEvents", "", false))
	if forUser {
		events.after = []*fetch{p.user}
	}
	// The included groups are read apart rather than through $expand, which stops at 20 directory
	// objects without a next link.
	for _, m := range []struct {
		src  facts.Source
		path string
	}{
		{facts.SrcMDMPolicy, "/policies/mobileDeviceManagementPolicies/" + facts.AppIntune},
		{facts.SrcMAMPolicy, "/policies/mobileAppManagementPolicies/" + facts.AppIntune},
	} {
		// No $select: the MDM policy's isMdmEnrollmentDuringRegistrationDisabled belongs to the derived
		// mobileDeviceManagementPolicy, which the MAM collection does not have; the policy is small.
		policy := p.fetch("beta", m.path, "", false)
		groups := p.fetch("beta", m.path+"/includedGroups", "$select="+selGroup+topMax, false)
		src := m.src
		p.policies[src] = [2]*fetch{policy, groups}
		j := p.add(src, "beta", nil, policy, groups)
		j.build = func() facts.Delta { return decodeMobility(src, policy, groups, p) }
	}
}

// walkthroughJobs adds what a tenant walkthrough needs beyond the tenant-wide settings: the users the
// MDM and MAM scope groups reach (read once the policies say which groups they include). Every Entra
// and Intune device comes from the device sweep (ReadDevices), which streams outside the batches.
func (p *plan) walkthroughJobs() {
	mdm, mam := p.policies[facts.SrcMDMPolicy], p.policies[facts.SrcMAMPolicy]
	j := &job{source: facts.SrcScopeMembers, version: "beta", after: []*fetch{mdm[0], mdm[1], mam[0], mam[1]},
		endpoint: "GET /beta/groups/{included group}/transitiveMembers/microsoft.graph.user"}
	members := map[facts.Source][]*fetch{}
	j.more = func() []*fetch {
		var out []*fetch
		for src, pf := range map[facts.Source][2]*fetch{facts.SrcMDMPolicy: mdm, facts.SrcMAMPolicy: mam} {
			for _, id := range scopeGroupIDs(pf[0], pf[1]) {
				f := p.fetch("beta", "/groups/"+url.PathEscape(id)+"/transitiveMembers/microsoft.graph.user", "$select=id,userPrincipalName"+topMax, false)
				members[src] = append(members[src], f)
				out = append(out, f)
			}
		}
		return out
	}
	j.build = func() facts.Delta { return decodeScopeMembers(p, mdm, mam, members) }
	p.jobs = append(p.jobs, j)
}

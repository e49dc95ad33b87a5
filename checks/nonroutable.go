package checks

import "strings"

// noDNSForNonRoutable is the advice for a UPN suffix public DNS cannot hold (.local, .internal, ...):
// a DNS record cannot help, a routable suffix can.
// https://learn.microsoft.com/en-us/microsoft-365/enterprise/prepare-a-non-routable-domain-for-directory-synchronization
const noDNSForNonRoutable = "No DNS record can fix this. Add a routable UPN suffix (a domain of the tenant, verified " +
	"in the Entra admin center > Settings > Domain names) and change the user's UPN to it; " +
	"for a user synchronised from Active Directory, add the suffix and change the UPN on premises (Active Directory " +
	"Domains and Trusts, then the user's Account tab) and let Entra Connect sync it (see tenant.upn-domain)."

// nonRoutableSuffix reports a domain under a suffix that can never be published in public DNS.
func nonRoutableSuffix(domain string) bool {
	d := strings.ToLower(strings.TrimSuffix(domain, "."))
	for _, s := range nonRoutable {
		if strings.HasSuffix(d, s) {
			return true
		}
	}
	return false
}

// Package graphtest is a fake Microsoft Graph for tests and the --demo mode, in the manner of
// net/http/httptest: NewServer serves a scenario tenant on 127.0.0.1, URL is the root to use in
// place of https://graph.microsoft.com, and Token is a bearer token carrying the scenario operator's
// claims.
//
// It follows Graph's semantics where mdmdoctor depends on them: /v1.0 and /beta routing (the mobility
// policies exist on beta only), JSON $batch (at most 20 items, dependsOn, 424 for a failed
// dependency, per-item statuses and Retry-After, responses in completion order), @odata.nextLink
// paging with $skiptoken and $top bounded by a configurable page size, $select checked against the
// v1.0 schema (an unknown property is a 400), the default property set of users, the $filter forms
// mdmdoctor sends, $expand=assignments and $expand=includedGroups (cut at 20, as Graph cuts
// directory-object expansions), Graph's error bodies, gzip request bodies, the SDK's
// /users/me-token-to-replace and graph.group casts, and the /users('$upn') key form. Faults
// (statuses, Retry-After, per-route delay, a start part way through a run, and spoiled answers:
// connections reset mid-body, malformed JSON, a 200 carrying an error, $batch items left out) and
// network latency can be injected, and every request, batch items included, is logged for assertions.
//
// # Fixture format
//
// A scenario is one JSON document:
//
//	{
//	  "tenantId": "11111111-1111-4111-8111-111111111111",
//	  "displayName": "Contoso",
//	  "operator": {"userPrincipalName": "admin@contoso.com", "scopes": ["User.Read.All"], "wids": ["<role template id>"]},
//	  "domains": [...], "users": [...], "groups": [...], "directoryRoles": [...], "subscribedSkus": [...],
//	  "licenseProvisioning": {"<user id>": {"INTUNE_A": "PendingProvisioning"}},
//	  "devices": [...], "managedDevices": [...],
//	  "mobileDeviceManagementPolicies": [...], "mobileAppManagementPolicies": [...],
//	  "deviceRegistrationPolicy": {...}, "conditionalAccessPolicies": [...],
//	  "deviceEnrollmentConfigurations": [...], "troubleshootingEvents": [...]
//	}
//
// Every object is written as Graph returns it (the documented example responses), with its
// relationships as navigation properties holding ids: groups and directoryRoles list "members"
// (users, groups, devices; nesting is followed for transitive membership), devices list
// "registeredOwners" and "registeredUsers", mobility policies list "includedGroups", and enrollment
// configurations carry their "assignments" objects. An operator with "appRoles" instead of "scopes"
// signs in app-only. A user's licenseDetails are derived, as Graph derives them, from its
// assignedLicenses and the tenant's subscribedSkus; licenseProvisioning overrides a plan's
// provisioningStatus. Dates may be written relative to the load time: "now", "now-2d", "now-3h+30m".
// Parse rejects properties the Graph schema does not define and references to missing objects.
package graphtest

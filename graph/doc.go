// Package graph is mdmdoctor's only link to Microsoft Graph: sign-in in every cloud, and the batched
// reads that turn a tenant into facts.
//
// It uses msgraph-sdk-go's request adapter (authentication, retries, compression, telemetry) and
// azidentity; none of their types appear in this package's API. Reads go out as JSON batches of at
// most 20 requests, one batch per API version sent concurrently, with $select everywhere and every
// next page followed, so a user's triage costs one round trip when nothing is throttled or paged.
// Beta-only resources (the MDM and MAM user scope policies) go through the same adapter.
//
// The fake Graph of graph/graphtest serves the tests and the --demo mode.
package graph

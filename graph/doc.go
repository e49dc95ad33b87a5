// Package graph is mdmdoctor's only link to Microsoft Graph: sign-in in every cloud of the clouds table
// (device code, browser, the authorization code flow with PKCE through an SSH port forward, Azure CLI,
// client secret, certificate), with the AADSTS codes of a blocked flow or client told in plain words, and
// the batched reads that turn a tenant into facts.
//
// It sends every request through msgraph-sdk-go-core's request adapter and middleware (authentication,
// redirects, telemetry) with azidentity for sign-in, and retries throttled answers itself, with one
// policy for whole requests and batch items; it does not compile msgraph-sdk-go's generated client or
// models. Only Error's Unwrap (msgraph-sdk-go's odataerrors) shows an SDK type in this package's API.
// Reads go out as JSON batches of at most 20 requests, one batch per API version sent concurrently, with
// $select everywhere and every next page followed, so a user's triage costs one round trip when nothing
// is throttled or paged.
// Beta-only resources (the MDM and MAM user scope policies) go through the same adapter.
//
// The fake Graph of graph/graphtest serves the tests and the --demo mode.
package graph

package graph

import (
	"context"

	"github.com/microsoftgraph/msgraph-sdk-go/domains"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Domains lists the tenant's domains (the CLI picks the verified ones for a tenant walkthrough),
// following every page.
func (c *Client) Domains(ctx context.Context) ([]facts.Domain, error) {
	resp, err := c.sdk.Domains().Get(ctx, &domains.DomainsRequestBuilderGetRequestConfiguration{
		QueryParameters: &domains.DomainsRequestBuilderGetQueryParameters{
			Select: []string{"id", "isVerified", "isDefault", "isInitial", "authenticationType"},
		},
	})
	var out []facts.Domain
	for {
		if err != nil {
			return nil, requestFailure(facts.SrcDomains, err, false, "")
		}
		for _, d := range resp.GetValue() {
			out = append(out, facts.Domain{Name: deref(d.GetId()), IsVerified: deref(d.GetIsVerified()),
				IsDefault: deref(d.GetIsDefault()), IsInitial: deref(d.GetIsInitial()),
				AuthenticationType: deref(d.GetAuthenticationType())})
		}
		next := resp.GetOdataNextLink()
		if next == nil || *next == "" {
			return out, nil
		}
		resp, err = c.sdk.Domains().WithUrl(*next).Get(ctx, nil)
	}
}

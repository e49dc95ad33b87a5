package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// TenantID returns the signed-in tenant's id (for the report's target and the device.tenant check):
// from the token's tid claim, or from GET /organization when the token is opaque.
func (c *Client) TenantID(ctx context.Context) (string, error) {
	tok, err := c.token(ctx)
	if err != nil {
		return "", err
	}
	if cl, ok := parseClaims(tok); ok && cl.Tid != "" {
		return cl.Tid, nil
	}
	u, err := url.Parse(c.root + "/v1.0/organization?$select=id")
	if err != nil {
		return "", err
	}
	body, err := c.call(ctx, http.MethodGet, u, nil, maxPageBody)
	if err != nil {
		return "", requestFailure(facts.SrcOperator, err, false, "")
	}
	var org struct {
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
	}
	if err := json.Unmarshal(body, &org); err != nil || len(org.Value) == 0 {
		return "", fmt.Errorf("read the tenant id from /organization: unexpected answer: run with --debug and report it")
	}
	return org.Value[0].ID, nil
}

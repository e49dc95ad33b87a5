package graph

import (
	"context"
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
	return c.organizationID(ctx)
}

package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Whereabouts names the signed-in tenant and operator, as the TUI's header shows them.
type Whereabouts struct {
	TenantID string
	// DisplayName is the organization's displayName; DefaultDomain the domain marked default (the
	// initial one when none is).
	DisplayName   string
	DefaultDomain string
	// Operator is the signed-in operator's UPN as the token names it; "" for an app-only or opaque token.
	Operator string
}

// Whereabouts reads which tenant the client is signed in to (GET /organization, GET /domains) and who
// is signed in (the token's claims). The names are Graph's as is: whoever shows them makes them
// printable.
// https://learn.microsoft.com/graph/api/organization-list
func (c *Client) Whereabouts(ctx context.Context) (Whereabouts, error) {
	f := c.readOne(ctx, "v1.0", organizationFetch("1"))[0]
	switch {
	case !f.done:
		return Whereabouts{}, requestFailure(facts.SrcOperator, ctx.Err(), false, "")
	case f.failed() && f.err != nil:
		return Whereabouts{}, requestFailure(facts.SrcOperator, f.err, false, "")
	case f.failed():
		return Whereabouts{}, failure(facts.SrcOperator, f.status, f.errBody, false, "")
	}
	o, err := decodeOrganization(f)
	if err != nil {
		return Whereabouts{}, fmt.Errorf("read the tenant's name: %w: run with --debug and report it", err)
	}
	w := Whereabouts{TenantID: o.ID, DisplayName: o.DisplayName}
	if op := c.operator(ctx); op.err == nil && op.op != nil && !op.op.AppOnly {
		w.Operator = op.op.UserPrincipalName
	}
	ds, err := c.Domains(ctx)
	if err != nil {
		return w, nil // the name and the operator say enough; the runs read the domains again
	}
	for _, d := range ds {
		if d.IsDefault || d.IsInitial && w.DefaultDomain == "" {
			w.DefaultDomain = strings.ToLower(d.Name)
		}
	}
	return w, nil
}

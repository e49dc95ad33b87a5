package graph

import (
	"context"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Domains lists the tenant's domains (the CLI picks the verified ones for a tenant walkthrough),
// following every page. It reads as the triage does: a batched fetch whose next links are rebased on
// the client's root, so the token never follows a link to another host or port.
func (c *Client) Domains(ctx context.Context) ([]facts.Domain, error) {
	f := newFetch("domains", "v1.0", "/domains", "$select="+selDomain, false)
	c.runFetches(ctx, "v1.0", []*fetch{f}, func(*fetch) []*fetch { return nil })
	if !f.done {
		// runFetches returns with a fetch undone only when ctx ended.
		return nil, requestFailure(facts.SrcDomains, ctx.Err(), false, "")
	}
	if f.failed() {
		return nil, (&plan{c: c}).failure(facts.SrcDomains, f)
	}
	ws, err := values[wireDomain](f)
	if err != nil {
		return nil, err
	}
	return toDomains(f, ws)
}

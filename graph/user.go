package graph

import (
	"context"
	"fmt"
	"net/http"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// NoUserError says that the user a triage names does not exist in the signed-in tenant: no check
// can say anything about such a user, so a run stops before it starts.
type NoUserError struct {
	UPN string
	// Tenant names the tenant as well as it is known: "Contoso (84841066-...)", or its id alone.
	Tenant string
}

func (e *NoUserError) Error() string {
	return fmt.Sprintf("no user %s in tenant %s: check the spelling of the user principal name, or sign in to the "+
		"user's own tenant", e.UPN, e.Tenant)
}

// wireOrganization is the part of /organization mdmdoctor reads: which tenant this is.
type wireOrganization struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// readOne sends reads in one $batch round trip (more only when Graph throttles) and returns them
// done, in order.
func (c *Client) readOne(ctx context.Context, version string, fs ...*fetch) []*fetch {
	c.runFetches(ctx, version, fs, func(*fetch) []*fetch { return nil })
	return fs
}

func organizationFetch(id string) *fetch {
	return newFetch(id, "v1.0", "/organization", "$select=id,displayName", false)
}

// decodeOrganization reads the tenant from the /organization collection, which holds this tenant alone.
func decodeOrganization(f *fetch) (wireOrganization, error) {
	orgs, err := values[wireOrganization](f)
	if err != nil {
		return wireOrganization{}, err
	}
	if len(orgs) == 0 || orgs[0].ID == "" {
		return wireOrganization{}, fmt.Errorf("read %s: the answer names no tenant id", f.path)
	}
	return orgs[0], nil
}

// CheckUser makes sure a triage's user exists before the run reads anything about them. It returns a
// *NoUserError when Graph says there is no such user; any other failure returns nil, because the run's
// own reads then explain it source by source.
func (c *Client) CheckUser(ctx context.Context, upn string) error {
	fs := c.readOne(ctx, "v1.0", newFetch("1", "v1.0", userPath(upn), "$select=id", true), organizationFetch("2"))
	user, org := fs[0], fs[1]
	if !user.failed() || user.status != http.StatusNotFound {
		return nil
	}
	tenant := "(its id unknown)"
	if o, err := decodeOrganization(org); !org.failed() && err == nil {
		tenant = o.ID
		if o.DisplayName != "" {
			tenant = fmt.Sprintf("%s (%s)", o.DisplayName, o.ID)
		}
	} else if op := c.operator(ctx); op.err == nil && op.op.TenantID != "" {
		tenant = op.op.TenantID
	}
	return &NoUserError{UPN: upn, Tenant: tenant}
}

// organizationID reads the tenant id from GET /organization.
func (c *Client) organizationID(ctx context.Context) (string, error) {
	f := c.readOne(ctx, "v1.0", organizationFetch("1"))[0]
	if !f.done {
		// readOne returns with a fetch undone only when ctx ended.
		return "", requestFailure(facts.SrcOperator, ctx.Err(), false, "")
	}
	if f.failed() {
		if f.err != nil {
			return "", requestFailure(facts.SrcOperator, f.err, false, "")
		}
		return "", failure(facts.SrcOperator, f.status, f.errBody, false, "")
	}
	o, err := decodeOrganization(f)
	if err != nil {
		return "", fmt.Errorf("read the tenant id: %w: run with --debug and report it", err)
	}
	return o.ID, nil
}

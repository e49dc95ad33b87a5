package graph_test

import (
	"context"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/graph"
)

// TestWhereabouts names the signed-in tenant for the TUI's header: the organization's display name and
// default domain as Graph serves them, the operator from the token; with an opaque token the operator
// is not known, and a refused token is an error, not a blank name.
func TestWhereabouts(t *testing.T) {
	srv, c := demo(t, "fabrikam")
	w, err := c.Whereabouts(context.Background())
	want := graph.Whereabouts{TenantID: "22222222-2222-4222-8222-222222222222", DisplayName: "Fabrikam", DefaultDomain: "fabrikam.com",
		Operator: "admin@fabrikam.com"}
	if err != nil || w != want {
		t.Fatalf("Whereabouts = %+v, %v; want %+v", w, err, want)
	}
	srv.AllowToken("EwBwA8l6BAAU-opaque")
	if w, err := client(t, srv, "EwBwA8l6BAAU-opaque").Whereabouts(context.Background()); err != nil || w.DisplayName != "Fabrikam" || w.Operator != "" {
		t.Errorf("opaque token: %+v, %v", w, err)
	}
	if _, err := client(t, srv, "refused-opaque").Whereabouts(context.Background()); err == nil {
		t.Error("a refused token named a tenant")
	}
}

package graph_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// TestRetries: a throttled write is sent again after Retry-After (Graph did not apply it), while a
// write answered 504 comes back as it is: the gateway timed out, Graph may have applied it, and a
// second POST could apply it twice. A read answered 504 is sent again.
func TestRetries(t *testing.T) {
	srv, c := demo(t, "contoso")
	ctx := context.Background()
	const policy = "/v1.0/identity/conditionalAccess/policies"
	sent := func(method string) int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Method == method && r.Path == policy {
				n++
			}
		}
		return n
	}
	srv.Inject(graphtest.Fault{Method: "POST", Path: policy, Status: http.StatusTooManyRequests, RetryAfter: time.Second, Times: 1})
	srv.Inject(graphtest.Fault{Method: "POST", Path: policy, Status: http.StatusGatewayTimeout, Times: 1})
	resp, err := c.Send(ctx, "POST", policy, []byte(`{"displayName":"retry test","state":"disabled"}`))
	if err != nil || resp.Status != http.StatusGatewayTimeout || sent("POST") != 2 {
		t.Errorf("POST throttled then 504: %d after %d requests (%v), want the 504 after one retry of the 429", resp.Status, sent("POST"), err)
	}
	srv.ClearFaults()
	srv.Inject(graphtest.Fault{Method: "GET", Path: policy, Status: http.StatusGatewayTimeout, RetryAfter: time.Second, Times: 1})
	resp, err = c.Send(ctx, "GET", policy+"?$select=id", nil)
	if err != nil || resp.Status != http.StatusOK || sent("GET") != 2 {
		t.Errorf("GET answered 504 once: %d after %d requests (%v), want 200 after one retry", resp.Status, sent("GET"), err)
	}
}

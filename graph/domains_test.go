package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/graph"
)

// TestDomainsFollowNextLinksOnTheRoot: graphtest listens on one port and writes its next links against
// it; the client is given another port in front of it (as behind a proxy). Every page must still go to
// the client's root: a next link is rebased, never followed to another port with the token.
func TestDomainsFollowNextLinksOnTheRoot(t *testing.T) {
	srv, _ := demo(t, "fabrikam")
	srv.SetPageSize(1)
	var front atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		front.Add(1)
		srv.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	c, err := graph.New(context.Background(), graph.Config{Auth: graph.AuthToken, AccessToken: srv.Token(), GraphURL: proxy.URL, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	ds, err := c.Domains(context.Background())
	if err != nil || len(ds) != 3 {
		t.Fatalf("domains %v, %v; want 3 over 3 pages", ds, err)
	}
	direct := 0
	for _, r := range srv.Requests() {
		if !r.Batch {
			direct++
		}
	}
	if direct != int(front.Load()) || direct < 3 {
		t.Errorf("graphtest took %d requests, %d of them through the client's root: the others went to graphtest's own port", direct, front.Load())
	}
}

// hostile answers every $batch item with an empty page and a next link, forever, or, when pad is set,
// with one page padded to pad bytes: a Graph endpoint (or a proxy in its place) that never ends.
func hostile(t *testing.T, pad int) (*graph.Client, *atomic.Int64) {
	t.Helper()
	var batches atomic.Int64
	var s *httptest.Server
	s = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		batches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if pad > 0 {
			// Written in pieces: encoding a string this long is what would take the time.
			_, _ = io.WriteString(w, `{"responses":[{"id":"domains","status":200,"body":{"value":[],"pad":"`)
			chunk := strings.Repeat("x", 1<<20)
			for range pad >> 20 {
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
			_, _ = io.WriteString(w, `"}}]}`)
			return
		}
		var req struct {
			Requests []struct {
				ID string `json:"id"`
			} `json:"requests"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		var out []map[string]any
		for _, it := range req.Requests {
			out = append(out, map[string]any{"id": it.ID, "status": 200, "body": map[string]any{
				"value": []any{}, "@odata.nextLink": fmt.Sprintf("%s/v1.0/domains?$skiptoken=%d", s.URL, batches.Load())}})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"responses": out})
	}))
	t.Cleanup(s.Close)
	c, err := graph.New(context.Background(), graph.Config{Auth: graph.AuthToken, AccessToken: "token", GraphURL: s.URL, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return c, &batches
}

// TestReadsAreBounded: next pages that never end stop at the page cap, and a $batch answer larger than
// its bound is refused rather than read whole; both say so.
func TestReadsAreBounded(t *testing.T) {
	c, batches := hostile(t, 0)
	_, err := c.Domains(context.Background())
	if err == nil || !strings.Contains(err.Error(), "beyond 100 pages") || batches.Load() != 100 {
		t.Errorf("endless next links: %v after %d requests, want the page cap of 100", err, batches.Load())
	}
	c, batches = hostile(t, 65<<20)
	_, err = c.Domains(context.Background())
	if err == nil || !strings.Contains(err.Error(), "larger than") || batches.Load() != 1 {
		t.Errorf("a 65 MiB $batch answer: %v after %d requests, want it refused as too large", err, batches.Load())
	}
}

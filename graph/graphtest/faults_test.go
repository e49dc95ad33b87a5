package graphtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// raw sends one GET with the server's token over a new connection (a reused one that drops would be
// tried again by net/http) and returns the status and the body as read, with the error reading it.
func raw(t *testing.T, srv *graphtest.Server, path string) (int, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func TestSpoilPlainRequests(t *testing.T) {
	srv := start(t)
	srv.Inject(graphtest.Fault{Path: "/v1.0/domains", Spoil: graphtest.SpoilReset, Times: 1})
	if status, _, err := raw(t, srv, "/v1.0/domains"); status != http.StatusOK || err == nil {
		t.Errorf("reset: status %d, read error %v; want 200 and the body cut off", status, err)
	}
	srv.Inject(graphtest.Fault{Path: "/v1.0/domains", Spoil: graphtest.SpoilMalformed, Times: 1})
	status, body, err := raw(t, srv, "/v1.0/domains")
	if status != http.StatusOK || err != nil || json.Valid(body) || !strings.HasPrefix(string(body), `{"@odata.context"`) {
		t.Errorf("malformed: status %d, err %v, body %q; want 200 and half the JSON", status, err, body)
	}
	srv.Inject(graphtest.Fault{Path: "/v1.0/domains", Spoil: graphtest.SpoilErrorBody, Times: 1})
	status, body, _ = raw(t, srv, "/v1.0/domains")
	if status != http.StatusOK || !strings.Contains(string(body), `"error"`) {
		t.Errorf("error body: status %d, body %q; want 200 with an error", status, body)
	}
	srv.Inject(graphtest.Fault{Path: "/v1.0/domains", Spoil: graphtest.SpoilDrop, Times: 1})
	if _, _, err := raw(t, srv, "/v1.0/domains"); err == nil {
		t.Error("drop: the request got an answer")
	}
	if status, body, err := raw(t, srv, "/v1.0/domains"); status != http.StatusOK || err != nil || !json.Valid(body) {
		t.Errorf("after the faults: status %d, err %v", status, err)
	}
}

func TestSpoilBatchItems(t *testing.T) {
	srv := start(t)
	srv.Inject(graphtest.Fault{Path: "/v1.0/domains", Spoil: graphtest.SpoilDrop})
	srv.Inject(graphtest.Fault{Path: "/v1.0/subscribedSkus", Spoil: graphtest.SpoilMalformed})
	srv.Inject(graphtest.Fault{Path: "/v1.0/organization", Spoil: graphtest.SpoilErrorBody})
	batch := `{"requests":[{"id":"1","method":"GET","url":"/domains"},{"id":"2","method":"GET","url":"/subscribedSkus"},` +
		`{"id":"3","method":"GET","url":"/organization"},{"id":"4","method":"GET","url":"/users/alice@contoso.com"}]}`
	status, _, out := call(t, srv, http.MethodPost, "/v1.0/$batch", []byte(batch), false)
	if status != http.StatusOK {
		t.Fatalf("batch status %d", status)
	}
	got := map[string]map[string]any{}
	for _, r := range out["responses"].([]any) {
		m := r.(map[string]any)
		got[m["id"].(string)] = m
	}
	if _, ok := got["1"]; ok || len(got) != 3 {
		t.Errorf("responses %v: want item 1 left out and the other three answered", got)
	}
	if s, ok := got["2"]["body"].(string); !ok || got["2"]["status"].(float64) != 200 || json.Valid([]byte(s)) {
		t.Errorf("malformed item: %v, want 200 with half a JSON text as a string", got["2"])
	}
	if b, ok := got["3"]["body"].(map[string]any); !ok || b["error"] == nil || got["3"]["status"].(float64) != 200 {
		t.Errorf("error-body item: %v, want 200 with an error object", got["3"])
	}
	if got["4"]["status"].(float64) != 200 {
		t.Errorf("untouched item: %v", got["4"])
	}
}

func TestFaultStartsAfter(t *testing.T) {
	srv := start(t)
	srv.Inject(graphtest.Fault{Path: "/v1.0/domains", Status: http.StatusUnauthorized, After: 2})
	var got []int
	for range 4 {
		status, _, _ := raw(t, srv, "/v1.0/domains")
		got = append(got, status)
	}
	if got[0] != 200 || got[1] != 200 || got[2] != 401 || got[3] != 401 {
		t.Errorf("statuses %v, want two served, then 401 from then on", got)
	}
}

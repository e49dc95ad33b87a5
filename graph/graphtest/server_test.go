package graphtest_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

func start(t *testing.T) *graphtest.Server {
	t.Helper()
	tn, err := graphtest.Load(os.DirFS("../../testdata/demo"), "contoso.json")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := graphtest.NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// call sends one request with the server's token and decodes the JSON answer.
func call(t *testing.T, srv *graphtest.Server, method, path string, body []byte, gz bool) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
		if gz {
			var buf bytes.Buffer
			w := gzip.NewWriter(&buf)
			w.Write(body)
			w.Close()
			rd = &buf
		}
	}
	req, err := http.NewRequest(method, srv.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, out
}

func values(t *testing.T, body map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, v := range body["value"].([]any) {
		out = append(out, v.(map[string]any))
	}
	return out
}

func TestBatchDependsOnAndPerItemStatus(t *testing.T) {
	srv := start(t)
	srv.Inject(graphtest.Fault{Path: "/v1.0/subscribedSkus", Status: 429, RetryAfter: 7 * time.Second})
	payload := []byte(`{"requests":[
		{"id":"1","method":"GET","url":"/users/alice@contoso.com?$select=id,usageLocation"},
		{"id":"2","method":"GET","url":"subscribedSkus"},
		{"id":"3","method":"GET","url":"/domains","dependsOn":["2"]},
		{"id":"4","method":"GET","url":"/users/nobody@contoso.com"},
		{"id":"5","method":"GET","url":"/domains","dependsOn":["1"]}]}`)
	status, _, body := call(t, srv, "POST", "/v1.0/$batch", payload, true)
	if status != 200 {
		t.Fatalf("status %d: %v", status, body)
	}
	got := map[string]map[string]any{}
	for _, r := range body["responses"].([]any) {
		m := r.(map[string]any)
		got[m["id"].(string)] = m
	}
	want := map[string]float64{"1": 200, "2": 429, "3": 424, "4": 404, "5": 200}
	for id, st := range want {
		if got[id]["status"] != st {
			t.Errorf("item %s: status %v, want %v", id, got[id]["status"], st)
		}
	}
	if h := got["2"]["headers"].(map[string]any); h["Retry-After"] != "7" {
		t.Errorf("throttled item headers %v, want Retry-After 7", h)
	}
	user := got["1"]["body"].(map[string]any)
	if user["usageLocation"] != "US" || user["displayName"] != nil {
		t.Errorf("$select not applied inside the batch: %v", user)
	}
	errBody := got["4"]["body"].(map[string]any)["error"].(map[string]any)
	if errBody["code"] != "Request_ResourceNotFound" || errBody["innerError"].(map[string]any)["request-id"] == "" {
		t.Errorf("error body %v", errBody)
	}
	var items int
	for _, r := range srv.Requests() {
		if r.Batch {
			items++
		}
	}
	if items != 4 {
		t.Errorf("logged %d batch items, want 4 (the 424 one never ran)", items)
	}
}

func TestBatchLimits(t *testing.T) {
	srv := start(t)
	var reqs []string
	for i := range 21 {
		reqs = append(reqs, `{"id":"`+string(rune('a'+i))+`","method":"GET","url":"/domains"}`)
	}
	if status, _, _ := call(t, srv, "POST", "/v1.0/$batch", []byte(`{"requests":[`+strings.Join(reqs, ",")+`]}`), false); status != 400 {
		t.Errorf("21 requests: status %d, want 400", status)
	}
	if status, _, _ := call(t, srv, "POST", "/v1.0/$batch", []byte(`{"requests":[{"id":"1","method":"GET","url":"/domains"},{"id":"1","method":"GET","url":"/domains"}]}`), false); status != 400 {
		t.Errorf("duplicate ids: status %d, want 400", status)
	}
}

func TestSelectFilterAndPaging(t *testing.T) {
	srv := start(t)
	if status, _, body := call(t, srv, "GET", "/v1.0/devices?$select=id,bogusProperty", nil, false); status != 400 ||
		!strings.Contains(body["error"].(map[string]any)["message"].(string), "bogusProperty") {
		t.Errorf("unknown $select: %d %v", status, body)
	}
	_, _, body := call(t, srv, "GET", "/v1.0/devices?$filter=trustType%20eq%20'Workplace'%20and%20operatingSystem%20eq%20'Windows'&$select=displayName", nil, false)
	if vs := values(t, body); len(vs) != 1 || vs[0]["displayName"] != "CAROL-LT" || len(vs[0]) != 1 {
		t.Errorf("filtered devices %v", vs)
	}
	_, _, body = call(t, srv, "GET", "/v1.0/deviceManagement/troubleshootingEvents?$filter=eventDateTime%20ge%20"+time.Now().Add(-7*24*time.Hour).UTC().Format(time.RFC3339), nil, false)
	if vs := values(t, body); len(vs) != 2 {
		t.Errorf("events of the last 7 days: %d, want carol's 2", len(vs))
	}
	srv.SetPageSize(4)
	var names []string
	next := "/v1.0/devices?$select=displayName"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		_, _, body := call(t, srv, "GET", next, nil, false)
		for _, v := range values(t, body) {
			names = append(names, v["displayName"].(string))
		}
		next, _ = body["@odata.nextLink"].(string)
		next = strings.TrimPrefix(next, srv.URL())
	}
	if len(names) != 12 {
		t.Errorf("paged through %d devices, want 12", len(names))
	}
	if status, _, _ := call(t, srv, "GET", "/v1.0/devices?$top=1000", nil, false); status != 400 {
		t.Errorf("$top=1000: %d, want 400", status)
	}
}

func TestUsersAsTheSDKWritesThem(t *testing.T) {
	srv := start(t)
	_, _, me := call(t, srv, "GET", "/v1.0/users/me-token-to-replace?$select=userPrincipalName", nil, false)
	if me["userPrincipalName"] != "admin@contoso.com" {
		t.Errorf("/users/me-token-to-replace = %v", me)
	}
	_, _, def := call(t, srv, "GET", "/v1.0/users/ALICE@contoso.com", nil, false)
	if def["displayName"] != "Alice Johnson" || def["usageLocation"] != nil {
		t.Errorf("default user properties %v: usageLocation needs $select", def)
	}
	_, _, groups := call(t, srv, "GET", "/v1.0/users/carol@contoso.com/transitiveMemberOf/graph.group?$select=displayName", nil, false)
	if vs := values(t, groups); len(vs) != 2 {
		t.Errorf("transitiveMemberOf/graph.group = %v", vs)
	}
	if status, _, _ := call(t, srv, "GET", "/v1.0/users/alice@contoso.com/licenseDetails", nil, false); status != 200 {
		t.Errorf("licenseDetails: %d", status)
	}
	if status, _, _ := call(t, srv, "GET", "/v1.0/policies/mobileDeviceManagementPolicies", nil, false); status != 400 {
		t.Errorf("mobility policies on v1.0: %d, want 400 (beta only)", status)
	}
	_, _, pol := call(t, srv, "GET", "/beta/policies/mobileDeviceManagementPolicies/0000000a-0000-0000-c000-000000000000?$expand=includedGroups", nil, false)
	if gs, _ := pol["includedGroups"].([]any); len(gs) != 1 {
		t.Errorf("$expand=includedGroups = %v", pol)
	}
}

func TestUnauthorized(t *testing.T) {
	srv := start(t)
	resp, err := http.Get(srv.URL() + "/v1.0/domains")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no token: %d, want 401", resp.StatusCode)
	}
}

func TestTokenCarriesOperatorClaims(t *testing.T) {
	srv := start(t)
	parts := strings.Split(srv.Token(), ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not JWT-shaped", srv.Token())
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		UPN  string   `json:"upn"`
		Scp  string   `json:"scp"`
		Wids []string `json:"wids"`
		Tid  string   `json:"tid"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	if c.UPN != "admin@contoso.com" || !strings.Contains(c.Scp, "Policy.Read.All") || len(c.Wids) == 0 || c.Tid != "11111111-1111-4111-8111-111111111111" {
		t.Errorf("claims %+v", c)
	}
}

func TestParseResolvesRelativeDatesAndChecksShapes(t *testing.T) {
	now := time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)
	tn, err := graphtest.Parse([]byte(`{"tenantId":"t","troubleshootingEvents":[{"id":"e","eventDateTime":"now-2d+3h"}]}`), now)
	if err != nil {
		t.Fatal(err)
	}
	if got := tn.TroubleshootingEvents[0]["eventDateTime"]; got != "2026-11-23T21:00:00Z" {
		t.Errorf("now-2d+3h = %v", got)
	}
	for name, doc := range map[string]string{
		"misspelt property": `{"tenantId":"t","devices":[{"id":"d","trustTyp":"AzureAd"}]}`,
		"dangling member":   `{"tenantId":"t","groups":[{"id":"g","members":["nobody"]}]}`,
		"unknown sku":       `{"tenantId":"t","users":[{"id":"u","assignedLicenses":[{"skuId":"s"}]}]}`,
		"no tenant id":      `{}`,
	} {
		if _, err := graphtest.Parse([]byte(doc), now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := graphtest.Load(fstest.MapFS{}, "missing.json"); err == nil {
		t.Error("a missing fixture loaded")
	}
}

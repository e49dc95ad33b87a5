package graphtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// Default and largest page sizes, as Graph pages directory collections.
const (
	defaultPageSize = 100
	maxPageSize     = 999
)

// Server is a fake Microsoft Graph serving one scenario tenant on 127.0.0.1, in the manner of
// net/http/httptest: its root URL (without a version) goes where https://graph.microsoft.com would.
type Server struct {
	listener net.Listener
	http     *http.Server
	url      string
	token    string
	// extraTokens are further bearer tokens accepted (AllowToken).
	extraTokens []string
	done        chan struct{}
	active      sync.WaitGroup // handlers still running

	mu       sync.Mutex
	closed   bool
	tenant   *Tenant
	pageSize int
	latency  time.Duration
	faults   []*Fault
	log      []Request
}

// Request is one request the server received, for assertions. Items of a $batch are logged too,
// after the $batch request itself, with Batch set.
type Request struct {
	Method string
	// Path includes the version: /v1.0/users/alice@contoso.com/licenseDetails.
	Path  string
	Query url.Values
	// Body is the decompressed request body; Gzip says it came compressed.
	Body  []byte
	Gzip  bool
	Batch bool
}

// Fault makes requests that match it fail, slow down, or both. Faults apply to plain requests and
// to items inside a $batch alike; the first matching fault with tries left wins.
type Fault struct {
	// Method matches any method when empty.
	Method string
	// Path is a path.Match pattern over the versioned path, e.g. "/v1.0/users/*/licenseDetails" or
	// "/beta/policies/*". Empty matches every path.
	Path string
	// Status is the HTTP status to answer with; 0 lets the request through after Delay.
	Status int
	// Code and Message fill the Graph error body; sensible defaults follow Status.
	Code    string
	Message string
	// RetryAfter, when set, is sent as the Retry-After header (whole seconds).
	RetryAfter time.Duration
	// Delay is added before answering: per-route latency.
	Delay time.Duration
	// Times bounds how many requests the fault hits; 0 means every one.
	Times int
	// After lets that many matching requests through before the fault starts hitting: a token that
	// expires, or a service that fails, part way through a run.
	After int
	// Spoil spoils the answer the route gives (when Status is 0): a connection reset mid-body,
	// malformed JSON, a 200 carrying an error, a $batch item left out.
	Spoil Spoil

	hits, seen int
}

// NewServer starts a fake Graph on a random loopback port serving t. Close it when done.
func NewServer(t *Tenant) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback for the fake Graph: %w", err)
	}
	s := &Server{
		listener: ln,
		url:      "http://" + ln.Addr().String(),
		tenant:   t,
		pageSize: defaultPageSize,
		done:     make(chan struct{}),
	}
	s.token = newToken(t, s.url)
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.http.Serve(ln)
	}()
	return s, nil
}

// URL is the Graph root to pass as --graph-url, e.g. http://127.0.0.1:41234 (no version).
func (s *Server) URL() string { return s.url }

// Token is a bearer token the server accepts, carrying the scenario operator's claims; pass it as
// MDMDOCTOR_ACCESS_TOKEN. It is unsigned: Graph verifies tokens, clients only read their claims.
func (s *Server) Token() string { return s.token }

// AllowToken makes the server accept another bearer token as well, such as an opaque one that
// carries no claims.
func (s *Server) AllowToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extraTokens = append(s.extraTokens, token)
}

// authorized reports whether an Authorization header carries a token the server accepts.
func (s *Server) authorized(header string) bool {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return tok == s.token || slices.Contains(s.extraTokens, tok)
}

// Close stops the server: it drops every connection, which ends the requests still being
// answered, and returns once their handlers have finished.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	_ = s.http.Close()
	<-s.done
	s.active.Wait()
}

// SetPageSize sets the largest page the server returns, whatever $top asks for, so that tests can
// make collections span several pages.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(1, min(n, maxPageSize))
}

// SetLatency delays every HTTP request by d before it is answered: the network round trip.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Requests returns a copy of the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// Update runs fn with the tenant locked, for tests that change the scenario between reads.
func (s *Server) Update(fn func(*Tenant)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.tenant)
}

// ServeHTTP answers one Graph request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		writeResponse(w, errorResponse(http.StatusServiceUnavailable, "serviceNotAvailable",
			"The fake Graph is shutting down."))
		return
	}
	s.active.Add(1)
	s.mu.Unlock()
	defer s.active.Done()
	// Reading the body first lets the server notice a client that gives up during the latency.
	body, err := readBody(r)
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if err != nil {
		writeResponse(w, errorResponse(http.StatusBadRequest, "BadRequest",
			"The request body could not be read: "+err.Error()))
		return
	}
	req := &request{method: r.Method, path: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery, body: body, ctx: r.Context(),
		gzip: strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip")}
	s.record(req, false)
	if !s.authorized(r.Header.Get("Authorization")) {
		writeResponse(w, errorResponse(http.StatusUnauthorized, "InvalidAuthenticationToken",
			"Access token is empty or invalid."))
		return
	}
	writeResponse(w, s.dispatch(req, false))
}

// readBody returns the request body, inflating it when the client compressed it (the Graph SDKs
// gzip request bodies).
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	var rd io.Reader = r.Body
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		rd = zr
	}
	return io.ReadAll(io.LimitReader(rd, 4<<20))
}

func (s *Server) record(req *request, batch bool) {
	u, _ := url.Parse(req.path)
	p := req.path
	if u != nil {
		p = u.Path
	}
	q, _ := url.ParseQuery(req.rawQuery)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, Request{Method: req.method, Path: p, Query: q, Body: req.body, Gzip: req.gzip, Batch: batch})
}

// dispatch applies faults, then routes. inBatch forbids nested batches.
func (s *Server) dispatch(req *request, inBatch bool) response {
	f := s.fault(req)
	if f == nil {
		return s.answer(req, inBatch)
	}
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-req.ctx.Done():
			return errorResponse(http.StatusServiceUnavailable, "serviceUnavailable", "The request was cancelled.")
		}
	}
	if f.Status != 0 {
		return faultResponse(f)
	}
	if f.Spoil != SpoilNone {
		return spoil(s.answer(req, inBatch), f.Spoil, inBatch)
	}
	return s.answer(req, inBatch)
}

// answer routes a request past the faults.
func (s *Server) answer(req *request, inBatch bool) response {
	version, rest, ok := splitVersion(req.path)
	if !ok {
		return errorResponse(http.StatusNotFound, "BadRequest",
			"Invalid version: the path must start with /v1.0 or /beta.")
	}
	q, err := url.ParseQuery(req.rawQuery)
	if err != nil {
		return errorResponse(http.StatusBadRequest, "BadRequest", "Invalid query: "+err.Error())
	}
	if rest == "/$batch" {
		if inBatch || req.method != http.MethodPost {
			return errorResponse(http.StatusBadRequest, "BadRequest",
				"A $batch request must be a POST and cannot be nested.")
		}
		return s.batch(req, version)
	}
	segs, err := splitPath(rest)
	if err != nil {
		return errorResponse(http.StatusBadRequest, "BadRequest", err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, t: s.tenant, method: req.method, version: version, path: rest, segs: segs, query: q, body: req.body}
	return c.route()
}

// fault returns the first fault matching req that still has tries left, counting the hit.
func (s *Server) fault(req *request) *Fault {
	p := req.path
	if u, err := url.Parse(req.path); err == nil {
		p = u.Path
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, req.method) {
			continue
		}
		if f.Path != "" {
			if ok, _ := path.Match(f.Path, p); !ok {
				continue
			}
		}
		if f.Times > 0 && f.hits >= f.Times {
			continue
		}
		if f.seen++; f.seen <= f.After {
			continue
		}
		f.hits++
		c := *f
		return &c
	}
	return nil
}

func faultResponse(f *Fault) response {
	code, msg := f.Code, f.Message
	if code == "" {
		code, msg = defaultError(f.Status)
	}
	r := errorResponse(f.Status, code, msg)
	if f.RetryAfter > 0 {
		r.header.Set("Retry-After", fmt.Sprint(int(f.RetryAfter.Round(time.Second)/time.Second)))
	}
	return r
}

func defaultError(status int) (code, message string) {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests", "Too many requests. Please try again later."
	case http.StatusForbidden:
		return "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
	case http.StatusUnauthorized:
		return "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."
	case http.StatusNotFound:
		return "Request_ResourceNotFound", "Resource could not be discovered."
	case http.StatusServiceUnavailable:
		return "serviceNotAvailable", "The service is temporarily unavailable. Please try again later."
	case http.StatusGatewayTimeout:
		return "gatewayTimeout", "The gateway timed out."
	}
	return "generalException", http.StatusText(status)
}

func splitVersion(p string) (version, rest string, ok bool) {
	for _, v := range []string{"v1.0", "beta"} {
		prefix := "/" + v
		if p == prefix {
			return v, "/", true
		}
		if strings.HasPrefix(p, prefix+"/") {
			return v, p[len(prefix):], true
		}
	}
	return "", "", false
}

// splitPath unescapes the segments of an escaped path, so that %23 in a UPN becomes #.
func splitPath(escaped string) ([]string, error) {
	parts := strings.Split(strings.Trim(escaped, "/"), "/")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p == "" {
			continue
		}
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, fmt.Errorf("invalid path segment %q: %v", p, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// request is a request as the router sees it, from HTTP or from a $batch item.
type request struct {
	method   string
	path     string // escaped path with the version, without the query
	rawQuery string
	body     []byte
	gzip     bool
	ctx      context.Context
}

// response is what the router answers, written to HTTP or embedded in a $batch response.
type response struct {
	status int
	header http.Header
	body   any
	// spoil, when set, is a fault's damage still to do in writeResponse or the $batch.
	spoil Spoil
}

func jsonResponse(status int, body any) response {
	h := http.Header{}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	return response{status: status, header: h, body: body}
}

func writeResponse(w http.ResponseWriter, r response) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.Header().Set("request-id", newID())
	if r.body == nil && r.spoil == SpoilNone {
		w.WriteHeader(r.status)
		return
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(r.body); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	if r.spoil != SpoilNone {
		writeSpoiled(w, r.status, buf.Bytes(), r.spoil)
		return
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(buf.Bytes())
}

// errorResponse builds Graph's error body.
func errorResponse(status int, code, message string) response {
	return jsonResponse(status, map[string]any{
		"error": map[string]any{
			"code":    code,
			"message": message,
			"innerError": map[string]any{
				"date":              time.Now().UTC().Format("2006-01-02T15:04:05"),
				"request-id":        newID(),
				"client-request-id": newID(),
			},
		},
	})
}

// errNotFound is Graph's answer for an unknown directory object.
func errNotFound(id string) response {
	return errorResponse(http.StatusNotFound, "Request_ResourceNotFound",
		fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.",
			id))
}

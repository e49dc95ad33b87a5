package graphtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ScaleTenantID is the tenant id of the generated tenant.
const ScaleTenantID = "33333333-3333-4333-8333-333333333333"

// ScaleOptions describe a generated tenant for load tests and benchmarks.
type ScaleOptions struct {
	// Devices is how many Entra devices the tenant holds, and as many Intune managed devices.
	Devices int
	// ThrottleEvery answers every n-th page request of each collection with 429 and Retry-After: 1,
	// once per page (its retry goes through); 0 never throttles.
	ThrottleEvery int
	// Now dates the records; time.Now() when zero.
	Now time.Time
}

// ScalePlanted is what the generator put in the tenant for the sweep to find, counted by device.
type ScalePlanted struct {
	// Duplicates: a stale registered record beside a joined one, or a stale second Intune enrollment.
	Duplicates int
	// Orphans: Intune records whose Entra device does not exist (half still check in).
	Orphans int
	// NeverEnrolled: Microsoft Entra joined devices with no Intune record, whose owner is a user of
	// the tenant (in the MDM scope when the scope is All).
	NeverEnrolled int
}

// ScaleServed is what the server has answered so far.
type ScaleServed struct {
	// Pages and Records count the pages (200 answers) and records served per collection, by path:
	// /v1.0/devices and /v1.0/deviceManagement/managedDevices.
	Pages   map[string]int
	Records map[string]int
	// Throttled counts the 429 answers; OwnerLookups the registeredOwners items answered in $batch.
	Throttled    int
	OwnerLookups int
}

// Scale is a fake Graph serving a generated tenant of any size: every Entra device and every Intune
// managed device, paged with $top and $skiptoken and projected by $select, and the registered owners
// of devices through $batch. Records are written on the fly from their index, so that a tenant of
// 100,000 devices costs the test process nothing until it is read. Every 50 devices hold, at fixed
// places, a stale registered twin, a stale second Intune enrollment, a joined device that never
// enrolled, and Intune records whose Entra device is gone; Planted counts them.
type Scale struct {
	opts     ScaleOptions
	listener net.Listener
	http     *http.Server
	done     chan struct{}
	url      string
	token    string
	days     []string // RFC 3339 dates, days ago

	mu        sync.Mutex
	latency   time.Duration
	requests  map[string]int  // page requests per collection, throttled ones included
	throttled map[string]bool // collection + offset answered 429 once
	served    ScaleServed
}

// NewScale starts the generated tenant on a random loopback port. Close it when done.
func NewScale(opts ScaleOptions) (*Scale, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback for the scale fake: %w", err)
	}
	s := &Scale{opts: opts, listener: ln, url: "http://" + ln.Addr().String(), done: make(chan struct{}),
		requests: map[string]int{}, throttled: map[string]bool{},
		served: ScaleServed{Pages: map[string]int{}, Records: map[string]int{}}}
	now := opts.Now.UTC().Truncate(time.Second)
	for d := range 401 {
		s.days = append(s.days, now.AddDate(0, 0, -d).Format(time.RFC3339))
	}
	s.token = newToken(&Tenant{TenantID: ScaleTenantID, Operator: Operator{UserPrincipalName: "admin@scale.example",
		Scopes: []string{"Device.Read.All", "DeviceManagementManagedDevices.Read.All"}}}, s.url)
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.http.Serve(ln)
	}()
	return s, nil
}

// URL is the Graph root, without a version.
func (s *Scale) URL() string { return s.url }

// Token is a bearer token the server accepts.
func (s *Scale) Token() string { return s.token }

// Close stops the server.
func (s *Scale) Close() {
	_ = s.http.Close()
	<-s.done
}

// SetLatency delays every HTTP request by d: the network round trip of one page.
func (s *Scale) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Served returns what the server has answered so far.
func (s *Scale) Served() ScaleServed {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.served
	out.Pages, out.Records = map[string]int{}, map[string]int{}
	for k, v := range s.served.Pages {
		out.Pages[k] = v
	}
	for k, v := range s.served.Records {
		out.Records[k] = v
	}
	return out
}

// Planted counts what the generator put in the tenant.
func (s *Scale) Planted() ScalePlanted {
	var p ScalePlanted
	for i := range s.opts.Devices {
		switch scaleClass(i) {
		case classTwin:
			p.Duplicates++
			p.Orphans++
		case classNeverEnrolled:
			p.NeverEnrolled++
			p.Orphans++
		case classSecondEnrollment:
			p.Duplicates++
		}
	}
	return p
}

// The kinds of device index i, every 50 devices.
const (
	classHealthy = iota
	classTwin
	classNeverEnrolled
	classSecondEnrollment
)

func scaleClass(i int) int {
	switch i % 50 {
	case 10:
		return classTwin
	case 20:
		return classNeverEnrolled
	case 30:
		return classSecondEnrollment
	}
	return classHealthy
}

// ServeHTTP answers the pages of the two collections and the owner lookups. Latency counts from the
// request's arrival and covers writing the page, so that a page takes what the latency says.
func (s *Scale) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	due := time.Now().Add(s.latency)
	s.mu.Unlock()
	w = &lateWriter{ResponseWriter: w, due: due, ctx: r.Context()}
	if r.Header.Get("Authorization") != "Bearer "+s.token {
		scaleError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty or invalid.")
		return
	}
	switch {
	case r.Method == http.MethodGet && (r.URL.Path == "/v1.0/devices" || r.URL.Path == "/v1.0/deviceManagement/managedDevices"):
		s.page(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/v1.0/$batch":
		s.batch(w, r)
	default:
		scaleError(w, http.StatusBadRequest, "BadRequest",
			"The scale fake serves only /v1.0/devices, /v1.0/deviceManagement/managedDevices and owner lookups in "+
				"/v1.0/$batch.")
	}
}

func scaleError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": message}})
}

// page answers one page of a collection, or 429 when throttling picks it.
func (s *Scale) page(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	coll := r.URL.Path
	typ, fields := "device", deviceFields
	if coll != "/v1.0/devices" {
		typ, fields = "managedDevice", managedFields
	}
	if q.Get("$expand") != "" {
		scaleError(w, http.StatusBadRequest, "BadRequest", "The scale fake serves no $expand.")
		return
	}
	sel, bad := selectFields(typ, fields, q.Get("$select"))
	if bad != "" {
		scaleError(w, http.StatusBadRequest, "Request_BadRequest",
			"Could not find a property named '"+bad+"' on type 'microsoft.graph."+typ+"'.")
		return
	}
	var err error
	size := defaultPageSize
	if top := q.Get("$top"); top != "" {
		n, err := strconv.Atoi(top)
		if err != nil || n < 1 || n > maxPageSize {
			scaleError(w, http.StatusBadRequest, "Request_BadRequest",
				"Invalid page size specified: '"+top+"'. Must be between 1 and 999 inclusive.")
			return
		}
		size = n
	}
	offset := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		if offset, err = decodeSkipToken(tok); err != nil || offset < 0 {
			scaleError(w, http.StatusBadRequest, "Request_BadRequest", "Invalid skip token.")
			return
		}
	}
	s.mu.Lock()
	s.requests[coll]++
	key := coll + "@" + strconv.Itoa(offset)
	if n := s.opts.ThrottleEvery; n > 0 && s.requests[coll]%n == 0 && !s.throttled[key] {
		s.throttled[key] = true
		s.served.Throttled++
		s.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		scaleError(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests. Please try again later.")
		return
	}
	s.mu.Unlock()

	end := min(offset+size, s.opts.Devices)
	b := make([]byte, 0, 64+(end-offset)*600)
	b = append(b, `{"@odata.context":"`...)
	b = append(b, s.url...)
	b = append(b, "/v1.0/$metadata#"...)
	b = append(b, typ...)
	b = append(b, `s",`...)
	if end < s.opts.Devices {
		q.Set("$skiptoken", encodeSkipToken(end))
		next, _ := json.Marshal(s.url + coll + "?" + q.Encode())
		b = append(b, `"@odata.nextLink":`...)
		b = append(b, next...)
		b = append(b, ',')
	}
	b = append(b, `"value":[`...)
	for i := offset; i < end; i++ {
		if i > offset {
			b = append(b, ',')
		}
		if typ == "device" {
			b = s.appendDevice(b, i, sel)
		} else {
			b = s.appendManaged(b, i, sel)
		}
	}
	b = append(b, "]}"...)
	s.mu.Lock()
	s.served.Pages[coll]++
	s.served.Records[coll] += max(end-offset, 0)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// selectFields turns $select into the generated fields to write; bad names a property the type does
// not define, which Graph refuses. No $select writes every generated field.
func selectFields(typ string, fields []string, raw string) (sel map[string]bool, bad string) {
	sel = map[string]bool{}
	if raw == "" {
		for _, f := range fields {
			sel[f] = true
		}
		return sel, ""
	}
	for _, p := range strings.Split(raw, ",") {
		p = strings.TrimSpace(p)
		if !knownProperty(typ, p) {
			return nil, p
		}
		sel[p] = true
	}
	return sel, ""
}

var (
	deviceFields = []string{"id", "deviceId", "displayName", "operatingSystem", "operatingSystemVersion", "trustType", "isManaged",
		"isCompliant", "accountEnabled", "mdmAppId", "approximateLastSignInDateTime", "registrationDateTime", "physicalIds", "profileType"}
	managedFields = []string{"id", "azureADDeviceId", "deviceName", "serialNumber", "userPrincipalName", "userId", "operatingSystem",
		"managementAgent", "managedDeviceOwnerType", "deviceEnrollmentType", "deviceRegistrationState", "complianceState",
		"enrolledDateTime", "lastSyncDateTime"}
)

// The generated identifiers: GUID-shaped, unique per kind and index.
func entraObjectID(b []byte, i int) []byte { return appendGUID(b, i, "e0b1") }
func entraDeviceID(b []byte, i int) []byte { return appendGUID(b, i, "d0e5") }
func goneDeviceID(b []byte, i int) []byte  { return appendGUID(b, i, "9a0e") }
func managedID(b []byte, i int) []byte     { return appendGUID(b, i, "a11d") }
func userID(b []byte, i int) []byte        { return appendGUID(b, i, "05e1") }

const hexDigits = "0123456789abcdef"

func appendHex(b []byte, v uint64, width int) []byte {
	for i := width - 1; i >= 0; i-- {
		b = append(b, hexDigits[(v>>(4*i))&0xf])
	}
	return b
}

func appendGUID(b []byte, i int, tag string) []byte {
	b = appendHex(b, uint64(i), 8)
	b = append(b, '-')
	b = append(b, tag...)
	b = append(b, "-4000-8000-"...)
	return appendHex(b, uint64(i)*2654435761%(1<<48), 12)
}

// appendPadded writes n in decimal, zero-padded to width.
func appendPadded(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for range width - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

// field starts a member of a record object, with its comma when it is not the first.
func field(b []byte, first *bool, name string) []byte {
	if !*first {
		b = append(b, ',')
	}
	*first = false
	b = append(b, '"')
	b = append(b, name...)
	return append(b, `":`...)
}

func quoted(b []byte, fn func([]byte) []byte) []byte {
	b = append(b, '"')
	b = fn(b)
	return append(b, '"')
}

func quotedString(b []byte, s string) []byte { return append(append(append(b, '"'), s...), '"') }

func (s *Scale) day(n int) string { return s.days[min(n, len(s.days)-1)] }

// appendDevice writes Entra device i. Index i of class twin is a stale registered record named as
// device i-1; of class never-enrolled a joined device Entra calls unmanaged, with no Intune record; of
// class second-enrollment a registered personal device.
func (s *Scale) appendDevice(b []byte, i int, sel map[string]bool) []byte {
	class := scaleClass(i)
	name, trust, managed, seen, registered := i, "AzureAd", true, i%20, 300
	switch class {
	case classTwin:
		name, trust, managed, seen, registered = i-1, "Workplace", false, 200, 400
	case classNeverEnrolled:
		managed, seen, registered = false, 2, 30
	case classSecondEnrollment:
		trust, managed, seen, registered = "Workplace", false, 3, 100
	}
	first := true
	b = append(b, '{')
	for _, f := range deviceFields {
		if !sel[f] {
			continue
		}
		b = field(b, &first, f)
		switch f {
		case "id":
			b = quoted(b, func(b []byte) []byte { return entraObjectID(b, i) })
		case "deviceId":
			b = quoted(b, func(b []byte) []byte { return entraDeviceID(b, i) })
		case "displayName":
			b = quoted(b, func(b []byte) []byte { return appendPadded(append(b, "WIN-"...), name, 6) })
		case "operatingSystem":
			b = quotedString(b, "Windows")
		case "operatingSystemVersion":
			b = quotedString(b, "10.0.22631.4460")
		case "trustType":
			b = quotedString(b, trust)
		case "isManaged", "isCompliant":
			b = strconv.AppendBool(b, managed)
		case "accountEnabled":
			b = append(b, "true"...)
		case "mdmAppId":
			if managed {
				b = quotedString(b, "0000000a-0000-0000-c000-000000000000")
			} else {
				b = append(b, "null"...)
			}
		case "approximateLastSignInDateTime":
			b = quotedString(b, s.day(seen))
		case "registrationDateTime":
			b = quotedString(b, s.day(registered))
		case "physicalIds":
			b = append(b, `["[USER-GID]:`...)
			b = entraDeviceID(b, i)
			b = append(b, `:6825798875342","[GID]:g:6966`...)
			b = appendPadded(b, i, 12)
			b = append(b, `","[HWID]:h:6896`...)
			b = appendPadded(b, i, 12)
			b = append(b, '"')
			if i%7 == 0 {
				b = append(b, `,"[ZTDID]:`...)
				b = entraDeviceID(b, i)
				b = append(b, '"')
			}
			b = append(b, ']')
		case "profileType":
			b = quotedString(b, "RegisteredDevice")
		}
	}
	return append(b, '}')
}

// appendManaged writes Intune managed device i. Index i of classes twin and never-enrolled points at
// an Entra device that does not exist (stale for twin, checking in for never-enrolled); of class
// second-enrollment it is a stale second enrollment of device i-1.
func (s *Scale) appendManaged(b []byte, i int, sel map[string]bool) []byte {
	class := scaleClass(i)
	of, synced, enrolled := i, i%10, 200
	name, serial := "WIN-", "SN"
	switch class {
	case classTwin:
		name, serial, synced = "GONE-", "SNG", 60
	case classNeverEnrolled:
		name, serial, synced = "GHOST-", "SNH", 1
	case classSecondEnrollment:
		of, synced, enrolled = i-1, 90, 300
	}
	first := true
	b = append(b, '{')
	for _, f := range managedFields {
		if !sel[f] {
			continue
		}
		b = field(b, &first, f)
		switch f {
		case "id":
			b = quoted(b, func(b []byte) []byte { return managedID(b, i) })
		case "azureADDeviceId":
			if class == classTwin || class == classNeverEnrolled {
				b = quoted(b, func(b []byte) []byte { return goneDeviceID(b, i) })
			} else {
				b = quoted(b, func(b []byte) []byte { return entraDeviceID(b, of) })
			}
		case "deviceName":
			b = quoted(b, func(b []byte) []byte { return appendPadded(append(b, name...), of, 6) })
		case "serialNumber":
			b = quoted(b, func(b []byte) []byte { return appendPadded(append(b, serial...), of, 8) })
		case "userPrincipalName":
			b = quoted(b, func(b []byte) []byte { return scaleUPN(b, of) })
		case "userId":
			b = quoted(b, func(b []byte) []byte { return userID(b, of) })
		case "operatingSystem":
			b = quotedString(b, "Windows")
		case "managementAgent":
			b = quotedString(b, "mdm")
		case "managedDeviceOwnerType":
			b = quotedString(b, "company")
		case "deviceEnrollmentType":
			b = quotedString(b, "windowsAzureADJoin")
		case "deviceRegistrationState":
			b = quotedString(b, "registered")
		case "complianceState":
			b = quotedString(b, "compliant")
		case "enrolledDateTime":
			b = quotedString(b, s.day(enrolled))
		case "lastSyncDateTime":
			b = quotedString(b, s.day(synced))
		}
	}
	return append(b, '}')
}

func scaleUPN(b []byte, i int) []byte {
	return append(appendPadded(append(b, "user"...), i, 6), "@scale.example"...)
}

// ScaleUPN is the user principal name of the owner of device i.
func ScaleUPN(i int) string { return string(scaleUPN(nil, i)) }

// batch answers the registeredOwners lookups of a $batch: device i is owned by user i.
func (s *Scale) batch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Requests []batchItem `json:"requests"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(body, &in)
	}
	if err != nil || len(in.Requests) == 0 || len(in.Requests) > batchLimit {
		scaleError(w, http.StatusBadRequest, "BadRequest", "Invalid batch payload.")
		return
	}
	out := make([]batchResult, 0, len(in.Requests))
	for _, it := range in.Requests {
		res := batchResult{ID: it.ID, Status: http.StatusNotFound, Headers: map[string]string{"Content-Type": "application/json"},
			Body: map[string]any{"error": map[string]any{"code": "Request_ResourceNotFound",
				"message": "Resource not found."}}}
		if i, ok := s.ownedDevice(it); ok {
			res.Status = http.StatusOK
			res.Body = map[string]any{"value": []any{map[string]any{"@odata.type": "#microsoft.graph.user",
				"id": string(userID(nil, i)), "userPrincipalName": ScaleUPN(i)}}}
			s.mu.Lock()
			s.served.OwnerLookups++
			s.mu.Unlock()
		}
		out = append(out, res)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"responses": out})
}

// ownedDevice reads the device index of a GET /devices/{id}/registeredOwners item.
func (s *Scale) ownedDevice(it batchItem) (int, bool) {
	u, err := url.Parse(it.URL)
	if err != nil || it.Method != http.MethodGet {
		return 0, false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 3 || parts[0] != "devices" || parts[2] != "registeredOwners" || len(parts[1]) < 8 {
		return 0, false
	}
	n, err := strconv.ParseUint(parts[1][:8], 16, 32)
	i := int(n)
	if err != nil || i >= s.opts.Devices || string(entraObjectID(nil, i)) != parts[1] {
		return 0, false
	}
	return i, true
}

// lateWriter holds a response back until its due time: the simulated round trip.
type lateWriter struct {
	http.ResponseWriter
	due     time.Time
	ctx     interface{ Done() <-chan struct{} }
	started bool
}

func (w *lateWriter) wait() {
	if w.started {
		return
	}
	w.started = true
	if d := time.Until(w.due); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-w.ctx.Done():
		}
	}
}

func (w *lateWriter) WriteHeader(status int) {
	w.wait()
	w.ResponseWriter.WriteHeader(status)
}

func (w *lateWriter) Write(b []byte) (int, error) {
	w.wait()
	return w.ResponseWriter.Write(b)
}

package graphtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// batchLimit is the most requests one $batch may carry.
const batchLimit = 20

type batchItem struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitempty"`
	Body      json.RawMessage   `json:"body,omitempty"`
	DependsOn []string          `json:"dependsOn,omitempty"`
}

type batchResult struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    any               `json:"body,omitempty"`
}

// batch runs the items of a JSON batch as Graph does: items without dependsOn concurrently, an
// item with dependsOn after its dependencies, answered 424 when one of them failed. Responses are
// returned in the order the items finish, which is not the order they were sent.
func (s *Server) batch(req *request, version string) response {
	var in struct {
		Requests []batchItem `json:"requests"`
	}
	if err := json.Unmarshal(req.body, &in); err != nil {
		return errorResponse(http.StatusBadRequest, "BadRequest", "Invalid batch payload: "+err.Error())
	}
	if len(in.Requests) == 0 {
		return errorResponse(http.StatusBadRequest, "BadRequest", "Invalid batch payload: no requests.")
	}
	if len(in.Requests) > batchLimit {
		return errorResponse(http.StatusBadRequest, "BadRequest",
			fmt.Sprintf("The number of requests in a batch is limited to %d.", batchLimit))
	}
	done := map[string]chan struct{}{}
	for _, it := range in.Requests {
		if it.ID == "" || done[it.ID] != nil {
			return errorResponse(http.StatusBadRequest, "BadRequest",
				"Invalid batch payload: every request needs a unique id.")
		}
		done[it.ID] = make(chan struct{})
	}
	for _, it := range in.Requests {
		for _, d := range it.DependsOn {
			if done[d] == nil {
				return errorResponse(http.StatusBadRequest, "BadRequest",
					"Invalid batch payload: dependsOn names unknown request "+d+".")
			}
		}
	}
	var (
		mu       sync.Mutex
		results  []batchResult
		statuses = map[string]int{}
		wg       sync.WaitGroup
	)
	for _, it := range in.Requests {
		wg.Go(func() {
			defer close(done[it.ID])
			failed := false
			for _, d := range it.DependsOn {
				<-done[d]
				mu.Lock()
				failed = failed || statuses[d] >= 400
				mu.Unlock()
			}
			var r response
			if failed {
				r = errorResponse(http.StatusFailedDependency, "FailedDependency",
					"The request failed because a request it depends on failed.")
			} else {
				r = s.item(req, version, it)
			}
			res := batchResult{ID: it.ID, Status: r.status, Body: r.body, Headers: map[string]string{}}
			for k := range r.header {
				res.Headers[k] = r.header.Get(k)
			}
			mu.Lock()
			statuses[it.ID] = r.status
			if r.spoil != SpoilDrop {
				results = append(results, res)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return jsonResponse(http.StatusOK, map[string]any{"responses": results})
}

// item runs one batch item through the same faults and routes as a plain request.
func (s *Server) item(parent *request, version string, it batchItem) response {
	u := it.URL
	if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return errorResponse(http.StatusBadRequest, "BadRequest", "Batch request URLs must be relative.")
	}
	p, q, _ := strings.Cut("/"+strings.TrimPrefix(u, "/"), "?")
	var body []byte
	if len(it.Body) > 0 && string(it.Body) != "null" {
		body = it.Body
	}
	sub := &request{method: strings.ToUpper(it.Method), path: "/" + version + p, rawQuery: q, body: body, ctx: parent.ctx}
	s.record(sub, true)
	return s.dispatch(sub, true)
}

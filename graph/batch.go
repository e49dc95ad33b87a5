package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// batchLimit is the most requests Graph accepts in one $batch.
const batchLimit = 20

// fetch is one resource read: a GET followed through every @odata.nextLink, retried when throttled.
type fetch struct {
	id      string
	version string // v1.0 or beta
	path    string // escaped path after the version, without the query
	next    string // the next request to send, relative to the version: path and query
	// userPath marks paths under /users/{upn}: a 404 there means the user does not exist.
	userPath bool
	// headers go with every page's request (ConsistencyLevel for $count).
	headers map[string]string
	// firstPage stops after the first page: a read that wants @odata.count, not the collection.
	firstPage bool

	pages   [][]byte
	status  int    // the failing status, when failed
	errBody []byte // the failing body
	err     error  // set when the fetch could not be sent at all
	tries   int
	wait    time.Time
	done    bool
}

func newFetch(id, version, path, query string, userPath bool) *fetch {
	next := path
	if query != "" {
		next += "?" + query
	}
	return &fetch{id: id, version: version, path: path, next: next, userPath: userPath}
}

// failed reports whether the fetch ended without its data.
func (f *fetch) failed() bool { return f.done && (f.err != nil || f.status >= 400) }

// batchItem is one request of a JSON batch; batchResult one response.
type batchItem struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
}

type batchResult struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// sendBatch posts one JSON batch to {root}/{version}/$batch through call, so that it gets the
// same authentication, retries and debug log as every other request, and reads the answer within
// maxBatchBody. It does not use msgraph-sdk-go-core's BatchRequest: that one reads item bodies into
// map[string]any (losing non-integer numbers and the raw policy JSON a fix needs) and posts only to
// the adapter's base URL.
func (c *Client) sendBatch(ctx context.Context, version string, items []batchItem) (map[string]batchResult, error) {
	payload, err := json.Marshal(map[string]any{"requests": items})
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(c.root + "/" + version + "/$batch")
	if err != nil {
		return nil, err
	}
	body, err := c.call(ctx, http.MethodPost, u, payload, true, maxBatchBody)
	if err != nil {
		return nil, err
	}
	return decodeBatch(body)
}

// decodeBatch reads a $batch response body into its items by id.
func decodeBatch(body []byte) (map[string]batchResult, error) {
	var resp struct {
		Responses []batchResult `json:"responses"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, &Error{Advice: fmt.Sprintf("Graph's $batch answer is not valid JSON (%v): "+
			"a proxy or the network may have cut it short; run again, and if it keeps happening run with --debug "+
			"and report it", err)}
	}
	out := make(map[string]batchResult, len(resp.Responses))
	for _, r := range resp.Responses {
		out[r.ID] = r
	}
	return out, nil
}

// chunkResult is what one batch of a round brought back.
type chunkResult struct {
	fetches []*fetch
	results map[string]batchResult
	err     error
}

// runFetches sends the fetches of one API version in rounds of concurrent $batch requests until
// each is done: a round sends every fetch that is due (its first page, its next page, or a retry
// after a throttled answer). settled is called, on this goroutine, as each fetch finishes; the
// fetches it returns (reads that depend on what was just read) join the next round.
func (c *Client) runFetches(ctx context.Context, version string, fetches []*fetch, settled func(*fetch) []*fetch) {
	for {
		var due []*fetch
		var wake time.Time
		now := time.Now()
		for _, f := range fetches {
			switch {
			case f.done:
			case !f.wait.After(now):
				due = append(due, f)
			case wake.IsZero() || f.wait.Before(wake):
				wake = f.wait
			}
		}
		if len(due) == 0 && wake.IsZero() {
			return
		}
		if len(due) == 0 {
			t := time.NewTimer(time.Until(wake))
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			continue
		}
		results := make(chan chunkResult)
		chunks := 0
		for start := 0; start < len(due); start += batchLimit {
			chunk := due[start:min(start+batchLimit, len(due))]
			items := make([]batchItem, len(chunk))
			for i, f := range chunk {
				items[i] = batchItem{ID: f.id, Method: http.MethodGet, URL: f.next, Headers: f.headers}
			}
			chunks++
			go func() {
				res, err := c.sendBatch(ctx, version, items)
				results <- chunkResult{fetches: chunk, results: res, err: err}
			}()
		}
		for range chunks {
			r := <-results
			for _, f := range r.fetches {
				c.absorb(f, r)
				if f.done {
					fetches = append(fetches, settled(f)...)
				}
			}
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// absorb records one fetch's answer: a page (and whether another follows), a retry to schedule,
// or the end.
func (c *Client) absorb(f *fetch, r chunkResult) {
	if r.err != nil {
		f.err, f.done = r.err, true
		return
	}
	res, ok := r.results[f.id]
	if !ok {
		f.err, f.done = &Error{Advice: fmt.Sprintf("Graph's $batch answer left out the request for %s: run again; "+
			"if it keeps happening, run with --debug and report it", f.path)}, true
		return
	}
	switch {
	case res.Status >= 200 && res.Status < 300:
		var page struct {
			Next  string    `json:"@odata.nextLink"`
			Error *struct{} `json:"error"`
		}
		_ = json.Unmarshal(res.Body, &page)
		if page.Error != nil {
			// A success that carries Graph's error body holds no data: taking it as an empty answer
			// would judge a tenant by facts nobody read.
			f.err, f.done = (&Error{Status: res.Status, Advice: fmt.Sprintf(
				"Graph answered %s with success but an error in place of the data: run again; if it keeps happening, "+
					"run with --debug and report it", f.path)}).decode(res.Body), true
			return
		}
		f.pages = append(f.pages, res.Body)
		if page.Next == "" || f.firstPage {
			f.done = true
			return
		}
		if len(f.pages) == maxFetchPages {
			f.err, f.done = &Error{Status: res.Status,
				Advice: fmt.Sprintf("Graph kept sending next pages of %s beyond %d pages: "+
					"mdmdoctor stops there; run with --debug and report it", f.path, maxFetchPages)}, true
			return
		}
		next, err := relativeTo(page.Next, f.version)
		if err != nil {
			f.err, f.done = err, true
			return
		}
		f.next, f.tries, f.wait = next, 0, time.Time{}
	case retryable(res.Status) && f.tries < maxRetries:
		f.tries++
		f.wait = time.Now().Add(retryDelay(header(res.Headers, "Retry-After"), f.tries))
	case res.Status < 400:
		// No status, or a redirect or interim answer where data belongs: nothing to read.
		f.err, f.done = &Error{Status: res.Status,
			Advice: fmt.Sprintf("Graph answered %s with HTTP status %d, which holds no data: "+
				"run again; if it keeps happening, run with --debug and report it", f.path, res.Status)}, true
	default:
		f.status, f.errBody, f.done = res.Status, res.Body, true
	}
}

// header is a batch item's header by name, in any case.
func header(headers map[string]string, name string) string {
	for k, v := range headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// relativeTo turns an absolute @odata.nextLink into a batch URL relative to the version. Graph
// writes next links against its own host even behind a proxy, so only the path and query count.
func relativeTo(next, version string) (string, error) {
	u, err := url.Parse(next)
	if err != nil {
		return "", fmt.Errorf("unreadable @odata.nextLink %q: %w", next, err)
	}
	marker := "/" + version + "/"
	p := u.EscapedPath()
	i := strings.Index(p, marker)
	if i < 0 {
		return "", fmt.Errorf("@odata.nextLink %q is not under /%s", next, version)
	}
	// One leading slash: a batch item's "//host/..." would read as another host.
	rel := "/" + strings.TrimLeft(p[i+len(marker):], "/")
	if u.RawQuery != "" {
		rel += "?" + u.RawQuery
	}
	return rel, nil
}

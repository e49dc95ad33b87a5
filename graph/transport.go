package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
)

// maxRetries bounds how often a throttled or unavailable request (or batch item) is sent again.
const maxRetries = 3

// Read bounds: a broken proxy or a hostile endpoint must not make a read take all memory or run
// forever. Graph's largest page is 999 objects with the $select lists of this package, about a
// megabyte; a $batch answer holds at most 20 of them.
const (
	maxPageBody  = 16 << 20 // one page of a collection, or one single-object answer
	maxBatchBody = 64 << 20 // one $batch answer
	// maxFetchPages bounds the pages one read of a triage follows: 100 pages of 999 objects.
	maxFetchPages = 100
	// maxSweepPages bounds the pages of one collection of the tenant device sweep: about a million devices.
	maxSweepPages = 1000
)

// exchange sends one request to Graph through the SDK's request adapter (sign-in, the middleware
// pipeline, the debug log) and hands the final answer to read, which reads the body it needs (within
// a bound) while the transport closes it. A throttled or unavailable answer (429, 503, 504) is sent
// again, up to maxRetries times, after its Retry-After or an exponential backoff: the one retry policy
// for whole requests, shared with the batch items of runFetches. reads says the request changes
// nothing (a GET, or a $batch of GETs); a write answered 504 is not sent again: the gateway gave up
// waiting, but Graph may have applied it, and a second POST could create a second policy. Each try is built afresh, so a body
// is never resent half-read. The status is that of the final answer; the error is set when none came,
// or when read failed.
func (c *Client) exchange(ctx context.Context, method string, u *url.URL, body []byte, reads bool, read func(*http.Response) error) (int, error) {
	m, ok := kiotaMethods[method]
	if !ok {
		return 0, fmt.Errorf("mdmdoctor does not send %s requests to Graph", method)
	}
	for try := 0; ; try++ {
		ri := abstractions.NewRequestInformation()
		ri.Method = m
		ri.SetUri(*u)
		ri.Headers.Add("Accept", "application/json")
		if body != nil {
			ri.SetStreamContentAndContentType(body, "application/json")
		}
		status, again := 0, false
		var wait time.Duration
		var readErr error
		handler := abstractions.NewRequestHandlerOption()
		handler.SetResponseHandler(func(resp any, _ abstractions.ErrorMappings) (any, error) {
			r, ok := resp.(*http.Response)
			if !ok || r == nil {
				return nil, errors.New("no HTTP response")
			}
			defer r.Body.Close()
			status = r.StatusCode
			if retryable(status) && try < maxRetries && (status != http.StatusGatewayTimeout || reads) {
				again, wait = true, retryDelay(r.Header.Get("Retry-After"), try+1)
				// Drained, the connection can carry the next try.
				_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<10))
				return nil, nil
			}
			readErr = read(r)
			return nil, nil
		})
		ri.AddRequestOptions([]abstractions.RequestOption{handler})
		tctx, cancel := requestContext(ctx, c.timeout)
		err := c.adapter.SendNoContent(tctx, ri, nil)
		cancel()
		if err != nil {
			return 0, err
		}
		if status == 0 {
			return 0, errors.New("no HTTP response")
		}
		if !again {
			return status, readErr
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err()
		case <-t.C:
		}
	}
}

// call sends a request through exchange and returns the whole body of a successful answer, at most
// limit bytes; an error status comes back as a *statusError for requestFailure to explain.
func (c *Client) call(ctx context.Context, method string, u *url.URL, body []byte, reads bool, limit int64) ([]byte, error) {
	var out []byte
	var header http.Header
	status, err := c.exchange(ctx, method, u, body, reads, func(r *http.Response) error {
		header = r.Header
		var err error
		out, err = readAll(r.Body, limit)
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case status >= 300:
		return nil, &statusError{status: status, body: out, header: header}
	}
	return out, nil
}

// requestContext bounds one try whose context has no deadline. The SDK's adapter would otherwise
// give it one of its own and drop the cancel func, which keeps the context, and everything its values
// reach, alive until that timer fires.
func requestContext(ctx context.Context, bound time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, bound)
}

var kiotaMethods = map[string]abstractions.HttpMethod{
	http.MethodGet: abstractions.GET, http.MethodPost: abstractions.POST, http.MethodPatch: abstractions.PATCH,
	http.MethodPut: abstractions.PUT, http.MethodDelete: abstractions.DELETE,
}

// readAll reads a whole body of at most limit bytes: a longer one is an error, never cut short.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err == nil && int64(len(b)) > limit {
		return nil, fmt.Errorf("%w (%d MiB)", errTooLarge, limit>>20)
	}
	return b, err
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// maxRetryAfter bounds the wait a Retry-After can ask for, so that a huge value cannot overflow
// into a negative (immediate) retry; the run's own bound ends any longer wait.
const maxRetryAfter = 24 * 3600

// retryDelay honours a Retry-After in seconds (Graph's form), or backs off exponentially from one
// second for the try-th retry.
func retryDelay(retryAfter string, try int) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && s >= 0 {
		return time.Duration(min(s, maxRetryAfter)) * time.Second
	}
	return time.Second << (try - 1)
}

package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	abstractions "github.com/microsoft/kiota-abstractions-go"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// rawPage is one page as Graph sent it, with the next link found in it.
type rawPage struct {
	buf  *bytes.Buffer
	next string
}

// pageBuffers is how many page buffers a collection's stream recycles: one being fetched, one being
// decoded, one waiting in between.
const pageBuffers = 3

// stream reads a collection of the v1.0 API to its last page. Pages are fetched one after another (each
// next link comes from the page before) on one goroutine and decoded on the calling one, so that
// decoding a page overlaps fetching the next: the wall time is the fetch time of the pages. The raw
// pages go into a few recycled buffers, so the collection's size costs only its decoded records.
// record decodes one object of a page's value array; pageDone runs after each page. Progress goes to
// the context's WithSweepProgress hook.
func (c *Client) stream(ctx context.Context, src facts.Source, path, query string, record func(*scanner) bool, pageDone func()) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	progress := sweepProgress(ctx)
	pages := make(chan rawPage, pageBuffers)
	free := make(chan *bytes.Buffer, pageBuffers)
	for range pageBuffers {
		free <- new(bytes.Buffer)
	}
	var fetchErr error
	go func() {
		defer close(pages)
		next := c.root + "/v1.0" + path + "?" + query
		for next != "" {
			var buf *bytes.Buffer
			select {
			case buf = <-free:
			case <-ctx.Done():
				fetchErr = ctx.Err()
				return
			}
			err := c.getPage(ctx, src, next, buf)
			if err == nil {
				next, err = c.nextLink(buf.Bytes())
			}
			if err != nil {
				fetchErr = err
				return
			}
			pages <- rawPage{buf: buf, next: next}
		}
	}()
	n, records := 0, 0
	var err error
	for p := range pages {
		if err != nil {
			continue
		}
		n++
		s := scanner{b: p.buf.Bytes()}
		var next string
		next, err = s.page(func(s *scanner) bool {
			records++
			return record(s)
		})
		free <- p.buf
		switch {
		case err != nil:
			err = fmt.Errorf("read page %d of %s: Graph's answer is malformed (%v): run again; if it keeps happening, run with --debug and report it", n, path, err)
			cancel()
			continue
		case c.sweepURL(next) != p.next:
			// The quick look and the page disagree on the next link: never follow the wrong one or stop
			// short of the end.
			err = fmt.Errorf("read page %d of %s: its next link could not be told apart: run with --debug and report this as a bug in mdmdoctor", n, path)
			cancel()
			continue
		}
		pageDone()
		progress(SweepProgress{Source: src, Pages: n, Records: records})
	}
	if err == nil {
		err = fetchErr
	}
	if err != nil {
		return err
	}
	progress(SweepProgress{Source: src, Pages: n, Records: records, Done: true})
	return nil
}

// getPage sends one GET through the SDK's adapter, with its authentication, retries (429 and 503
// honour Retry-After) and debug log, and reads the raw body into buf: the sweep decodes pages itself
// rather than through the SDK's models, and a response handler lets it reuse its buffers.
func (c *Client) getPage(ctx context.Context, src facts.Source, raw string, buf *bytes.Buffer) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("read %s: bad page URL %q: %w", src, raw, err)
	}
	ri := abstractions.NewRequestInformation()
	ri.Method = abstractions.GET
	ri.SetUri(*u)
	ri.Headers.Add("Accept", "application/json")
	status := 0
	var readErr error
	handler := abstractions.NewRequestHandlerOption()
	handler.SetResponseHandler(func(resp any, _ abstractions.ErrorMappings) (any, error) {
		r, ok := resp.(*http.Response)
		if !ok || r == nil {
			return nil, errors.New("no HTTP response")
		}
		defer r.Body.Close()
		status = r.StatusCode
		buf.Reset()
		_, readErr = buf.ReadFrom(r.Body)
		return nil, nil
	})
	ri.AddRequestOptions([]abstractions.RequestOption{handler})
	if _, err := c.adapter.SendPrimitive(ctx, ri, "[]byte", errorMappings()); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return requestFailure(src, err, false, "")
	}
	switch {
	case readErr != nil:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("read %s: the answer was cut short (%v): check the network and run again", src, readErr)
	case status >= 300:
		return failure(src, status, buf.Bytes(), false, "")
	case buf.Len() == 0:
		return &Error{Status: status, Advice: fmt.Sprintf("Graph sent an empty page of %s: run again; if it keeps happening, run with --debug and report it", src)}
	}
	return nil
}

var nextLinkKey = []byte(`"@odata.nextLink"`)

// nextLink finds a page's @odata.nextLink without decoding the page, so that the next request can go
// out while this page is decoded; the decoder then checks it saw no other. A key is the only place the
// quoted name can appear: inside a string value its quotes would be escaped. The link is rebased on the
// client's root: Graph writes next links against its own host even behind a proxy.
func (c *Client) nextLink(body []byte) (string, error) {
	i := bytes.Index(body, nextLinkKey)
	if i < 0 {
		return "", nil
	}
	s := scanner{b: body, i: i}
	if _, ok := s.key(); !ok {
		return "", errors.New("unreadable @odata.nextLink: " + s.err.Error())
	}
	next, ok := s.str()
	if !ok {
		return "", errors.New("unreadable @odata.nextLink: " + s.err.Error())
	}
	if next == "" {
		return "", nil
	}
	if _, err := relativeTo(next, "v1.0"); err != nil {
		return "", err
	}
	return c.sweepURL(next), nil
}

// sweepURL points a next link at the client's root ("" stays ""; a link not under /v1.0 is kept as
// is, for relativeTo to refuse).
func (c *Client) sweepURL(next string) string {
	rel, err := relativeTo(next, "v1.0")
	if next == "" || err != nil {
		return next
	}
	return c.root + "/v1.0" + rel
}

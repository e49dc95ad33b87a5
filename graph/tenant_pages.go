package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// rawPage is one page as Graph sent it, with the next link found in it, or why it could not be read.
type rawPage struct {
	buf  *bytes.Buffer
	next string
	err  error
}

// pageBuffers is how many page buffers a collection's stream recycles: pages being fetched, waiting,
// and being decoded. It also bounds the requests of one collection in flight.
const pageBuffers = 3

// earlyLook is how much of a page is read before looking for its next link: Graph writes
// @odata.nextLink ahead of the value array, so the next request can go out while the rest arrives.
const earlyLook = 4 << 10

// pageFetcher fetches the pages of one collection, each page on its own goroutine, in order.
type pageFetcher struct {
	c     *Client
	ctx   context.Context
	src   facts.Source
	slots chan chan rawPage // one per page, in page order; closed after the last
	free  chan *bytes.Buffer
}

// launch starts fetching the page at url, unless the stream is over. The page that launches no
// successor (the last, or one that failed first) closes slots.
func (pf *pageFetcher) launch(url string) bool {
	slot := make(chan rawPage, 1)
	select {
	case pf.slots <- slot:
	case <-pf.ctx.Done():
		return false
	}
	go pf.fetch(url, slot)
	return true
}

func (pf *pageFetcher) fetch(url string, slot chan<- rawPage) {
	launched := false
	defer func() {
		if !launched {
			close(pf.slots)
		}
	}()
	var buf *bytes.Buffer
	select {
	case buf = <-pf.free:
	case <-pf.ctx.Done():
		slot <- rawPage{err: pf.ctx.Err()}
		return
	}
	err := pf.c.getPage(pf.ctx, pf.src, url, buf, func(next string) { launched = pf.launch(next) })
	var next string
	if err == nil {
		next, err = pf.c.nextLink(buf.Bytes())
	}
	if err == nil && next != "" && !launched {
		launched = pf.launch(next)
	}
	slot <- rawPage{buf: buf, next: next, err: err}
}

// stream reads a collection of the v1.0 API to its last page and decodes it on the calling goroutine.
// Each page is asked for as soon as the page before shows its next link, so that pages arrive back
// to back and decoding a page overlaps fetching the next: the wall time is the fetch time of the
// pages. The raw pages go into a few recycled buffers, so the collection's size costs only its
// decoded records. record decodes one object of a page's value array; pageDone runs after each page.
// Progress goes to the context's WithSweepProgress hook.
func (c *Client) stream(ctx context.Context, src facts.Source, path, query string, record func(*scanner) bool, pageDone func()) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	progress := sweepProgress(ctx)
	pf := &pageFetcher{c: c, ctx: ctx, src: src, slots: make(chan chan rawPage, pageBuffers), free: make(chan *bytes.Buffer, pageBuffers)}
	for range pageBuffers {
		pf.free <- new(bytes.Buffer)
	}
	if !pf.launch(c.root + "/v1.0" + path + "?" + query) {
		return ctx.Err()
	}
	n, records := 0, 0
	var err error
	for slot := range pf.slots {
		p := <-slot
		switch {
		case err != nil:
		case p.err != nil:
			err = p.err
			cancel()
		default:
			n++
			s := scanner{b: p.buf.Bytes()}
			var next string
			next, err = s.page(func(s *scanner) bool {
				records++
				return record(s)
			})
			switch {
			case err != nil:
				err = fmt.Errorf("read page %d of %s: Graph's answer is malformed (%v): run again; if it keeps "+
					"happening, run with --debug and report it", n, path, err)
				cancel()
			case c.sweepURL(next) != p.next:
				// The quick look and the page disagree on the next link: never follow the wrong one or
				// stop short of the end.
				err = fmt.Errorf("read page %d of %s: its next link could not be told apart: run with --debug and "+
					"report this as a bug in mdmdoctor", n, path)
				cancel()
			case n == maxSweepPages && next != "":
				err = fmt.Errorf("read %s: Graph kept sending next pages beyond %d pages: mdmdoctor stops "+
					"there; run with --debug and report it", path, maxSweepPages)
				cancel()
			default:
				pageDone()
				progress(SweepProgress{Source: src, Pages: n, Records: records})
			}
		}
		if p.buf != nil {
			pf.free <- p.buf
		}
	}
	if err != nil {
		return err
	}
	progress(SweepProgress{Source: src, Pages: n, Records: records, Done: true})
	return nil
}

// getPage sends one GET through exchange, with its authentication, retries (429 and 503 honour
// Retry-After) and debug log, and reads the raw body, at most maxPageBody, into buf: the sweep decodes
// pages itself, and reads them into its recycled buffers. early gets the page's next link as soon as
// its first bytes show it.
func (c *Client) getPage(ctx context.Context, src facts.Source, raw string, buf *bytes.Buffer, early func(next string)) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("read %s: bad page URL %q: %w", src, raw, err)
	}
	var header http.Header
	status, err := c.exchange(ctx, http.MethodGet, u, nil, true, func(r *http.Response) error {
		header = r.Header
		buf.Reset()
		body := io.LimitReader(r.Body, maxPageBody+1)
		if r.StatusCode < 300 {
			if _, err := buf.ReadFrom(io.LimitReader(body, earlyLook)); err != nil {
				return err
			}
			if next, err := c.nextLink(buf.Bytes()); err == nil && next != "" {
				early(next)
			}
		}
		if _, err := buf.ReadFrom(body); err != nil {
			return err
		}
		if buf.Len() > maxPageBody {
			return fmt.Errorf("%w (%d MiB)", errTooLarge, maxPageBody>>20)
		}
		return nil
	})
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, errTooLarge):
		return requestFailure(src, err, false, "")
	case err != nil && status != 0:
		return fmt.Errorf("read %s: the answer was cut short (%v): check the network and run again", src, err)
	case err != nil:
		return requestFailure(src, err, false, "")
	case status >= 300:
		return failure(src, status, buf.Bytes(), false, "").withHeaders(header)
	case buf.Len() == 0:
		return &Error{Status: status, Advice: fmt.Sprintf("Graph sent an empty page of %s: run again; if it keeps "+
			"happening, run with --debug and report it", src)}
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

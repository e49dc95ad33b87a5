package graph

import (
	"context"
	"strings"
	"sync"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// SweepProgress says how far the device sweep has read one of its two collections.
type SweepProgress struct {
	// Source is facts.SrcAllDevices (Entra) or facts.SrcAllManagedDevices (Intune).
	Source  facts.Source
	Pages   int
	Records int
	// Done is set once the collection has been read to its last page.
	Done bool
}

type progressKey struct{}

// WithSweepProgress returns a context that makes Read and ReadDevices report the device sweep's
// progress to fn, page by page, in the manner of net/http/httptrace. fn is called from the sweep's
// goroutines, for both collections at once: it must be safe for concurrent use, and quick.
func WithSweepProgress(ctx context.Context, fn func(SweepProgress)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

func sweepProgress(ctx context.Context) func(SweepProgress) {
	if fn, ok := ctx.Value(progressKey{}).(func(SweepProgress)); ok && fn != nil {
		return fn
	}
	return func(SweepProgress) {}
}

// SweepRecords receives the device sweep's records as each page is decoded, in the order they will
// have in the facts, so that a caller can match them while the rest of the pages arrive. Entra and
// Intune records come from two goroutines at once; a nil func is not called.
type SweepRecords struct {
	Entra   func(facts.EntraDevice)
	Managed func(facts.ManagedDevice)
}

type recordsKey struct{}

// WithSweepRecords returns a context that makes Read and ReadDevices hand each decoded device record
// to r as well, in the manner of WithSweepProgress.
func WithSweepRecords(ctx context.Context, r SweepRecords) context.Context {
	return context.WithValue(ctx, recordsKey{}, r)
}

func sweepRecords(ctx context.Context) SweepRecords {
	r, _ := ctx.Value(recordsKey{}).(SweepRecords)
	return r
}

// ReadDevices reads every Entra device and every Intune managed device of the tenant, the two
// collections concurrently, and sends facts.SrcAllDevices and facts.SrcAllManagedDevices on out as
// each is complete. Read runs it for a tenant target; it is exported for callers that want the sweep
// alone. Each collection is paged to its end with $top=999 and the $select of the few properties the
// device checks judge, and each page is decoded as it arrives and then dropped, so memory holds the
// decoded records and at most two raw pages per collection.
//
// The owners of Microsoft Entra joined Windows devices that Entra calls unmanaged are asked for
// separately, in batches, while the pages stream: they decide whether such a device should have
// enrolled, and listing every device with $expand=registeredOwners would cut Graph's pages to 100.
func (c *Client) ReadDevices(ctx context.Context, out chan<- facts.Delta) {
	send := func(d facts.Delta) {
		select {
		case out <- d:
		case <-ctx.Done():
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { send(c.readEntraDevices(ctx)) })
	wg.Go(func() { send(c.readManagedDevices(ctx)) })
	wg.Wait()
}

// ownerWanted says whether the sweep needs a device's owner: a Windows device joined to Microsoft
// Entra that Entra calls unmanaged may be one that never enrolled, which depends on whose it is.
func ownerWanted(e facts.EntraDevice) bool {
	return !e.IsManaged && strings.EqualFold(e.TrustType, "AzureAd") && strings.HasPrefix(strings.ToLower(e.OperatingSystem), "windows")
}

func (c *Client) readEntraDevices(ctx context.Context) facts.Delta {
	const src = facts.SrcAllDevices
	dec := deviceDecoder{shared: interner{}}
	owners := c.startOwnerLookups(ctx)
	hook := sweepRecords(ctx).Entra
	var read chunks[facts.EntraDevice]
	var strs pageStrings
	var page []*facts.EntraDevice // the records of the page being decoded
	var wanted []int              // indexes of the devices whose owners are asked for
	incomplete := false           // a device came without its object id or deviceId
	err := c.stream(ctx, src, "/devices", "$select="+sweepSelDevice+"&$top=999", func(s *scanner) bool {
		e := read.next()
		page = append(page, e)
		return dec.record(s, e, &strs)
	}, func() {
		strs.flush()
		var ask []string
		first := read.n - len(page)
		for i, e := range page {
			if e.ID == "" || e.DeviceID == "" {
				incomplete = true
				continue
			}
			if ownerWanted(*e) {
				wanted = append(wanted, first+i)
				ask = append(ask, e.ID)
			}
			if hook != nil {
				hook(*e)
			}
		}
		page = page[:0]
		if len(ask) > 0 {
			owners.ask(ask)
		}
	})
	found, ownerErr := owners.finish()
	if err == nil && incomplete {
		// As the user's device lists (deviceComplete): a record without its ids can be told apart from
		// no other, so no duplicate or stale-device verdict may rest on it.
		err = &Error{Advice: "read /devices: Graph sent a device without its id or deviceId: run with --debug " +
			"and report it"}
	}
	endpoint := "GET /v1.0/devices"
	if len(wanted) > 0 {
		endpoint += " + /devices/{id}/registeredOwners"
	}
	switch {
	case err != nil:
		return facts.Delta{Source: src, Endpoint: endpoint, Err: err}
	case ownerErr != nil:
		return facts.Delta{Source: src, Endpoint: endpoint, Err: ownerErr}
	}
	devices := read.all()
	for _, i := range wanted {
		devices[i].OwnerUPNs = found[devices[i].ID]
	}
	return facts.Delta{Source: src, Endpoint: endpoint, Apply: func(f *facts.Facts) { f.AllDevices = devices }}
}

func (c *Client) readManagedDevices(ctx context.Context) facts.Delta {
	const src = facts.SrcAllManagedDevices
	dec := managedDecoder{shared: interner{}}
	hook := sweepRecords(ctx).Managed
	var read chunks[facts.ManagedDevice]
	var strs pageStrings
	var page []*facts.ManagedDevice
	err := c.stream(ctx, src, "/deviceManagement/managedDevices", "$select="+sweepSelManaged+"&$top=999", func(s *scanner) bool {
		m := read.next()
		page = append(page, m)
		return dec.record(s, m, &strs)
	}, func() {
		strs.flush()
		if hook != nil {
			for _, m := range page {
				hook(*m)
			}
		}
		page = page[:0]
	})
	endpoint := "GET /v1.0/deviceManagement/managedDevices"
	if err != nil {
		return facts.Delta{Source: src, Endpoint: endpoint, Err: err}
	}
	devices := read.all()
	return facts.Delta{Source: src, Endpoint: endpoint, Apply: func(f *facts.Facts) { f.AllManagedDevices = devices }}
}

// chunks collects decoded records in fixed blocks and joins them once at the end: appending 100,000
// records of a few hundred bytes to one slice would copy them again at every doubling, and hold the
// old and new arrays at once. A record stays where next put it until all, so that a page's strings can
// be filled in when the page is done.
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

const chunkSize = 1024

// next returns a place for the next record.
func (c *chunks[T]) next() *T {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, chunkSize)
	}
	c.cur = c.cur[:len(c.cur)+1]
	c.n++
	return &c.cur[len(c.cur)-1]
}

// all returns every record in order, in one slice of the exact size.
func (c *chunks[T]) all() []T {
	out := make([]T, 0, c.n)
	for i, b := range c.full {
		out = append(out, b...)
		c.full[i] = nil
	}
	return append(out, c.cur...)
}

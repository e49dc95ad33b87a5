package graph

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// ownerRound is the most device owners asked for in one round of $batch requests (ten batches of
// twenty, sent at once), and ownerRounds how many rounds may be in flight: a tenant full of unenrolled
// devices must not flood Graph, and the last page's owners must not wait behind earlier ones.
const (
	ownerRound  = 10 * batchLimit
	ownerRounds = 4
)

// ownerBound bounds one round of owner lookups, retries after throttling included, when the caller
// set no deadline.
const ownerBound = 2 * time.Minute

// ownerLookups asks, in the background, for the registered owners of the devices it is given.
type ownerLookups struct {
	c     *Client
	ctx   context.Context
	slots chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	found map[string][]string // device object id -> owners' user principal names
	err   error
}

func (c *Client) startOwnerLookups(ctx context.Context) *ownerLookups {
	return &ownerLookups{c: c, ctx: ctx, slots: make(chan struct{}, ownerRounds), found: map[string][]string{}}
}

// ask starts looking up the owners of these devices; it blocks only while every round is in flight.
func (o *ownerLookups) ask(ids []string) {
	for len(ids) > 0 {
		round := ids[:min(len(ids), ownerRound)]
		ids = ids[len(round):]
		select {
		case o.slots <- struct{}{}:
		case <-o.ctx.Done():
			return
		}
		o.wg.Go(func() {
			defer func() { <-o.slots }()
			o.lookup(round)
		})
	}
}

// finish waits for every lookup and returns the owners found, or the first failure.
func (o *ownerLookups) finish() (map[string][]string, error) {
	o.wg.Wait()
	if o.err == nil && o.ctx.Err() != nil {
		o.err = o.ctx.Err()
	}
	return o.found, o.err
}

func (o *ownerLookups) fail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		o.err = err
	}
}

// lookup reads the owners of ids through $batch, each item paged and retried as Read's are.
func (o *ownerLookups) lookup(ids []string) {
	fetches := make([]*fetch, len(ids))
	for i, id := range ids {
		fetches[i] = newFetch(strconv.Itoa(i+1), "v1.0", "/devices/"+url.PathEscape(id)+"/registeredOwners", "$select=id,userPrincipalName", false)
	}
	ctx, cancel := requestContext(o.ctx, ownerBound)
	defer cancel()
	o.c.runFetches(ctx, "v1.0", fetches, func(*fetch) []*fetch { return nil })
	found := make(map[string][]string, len(ids))
	for i, f := range fetches {
		switch {
		case !f.done:
			o.fail(fmt.Errorf("read the owners of %d devices: %w", len(ids), context.Cause(ctx)))
			return
		case f.failed() && f.err != nil:
			o.fail(fmt.Errorf("read the owners of device %s: %w", ids[i],
				requestFailure(facts.SrcAllDevices, f.err, false, "")))
			return
		case f.failed():
			o.fail(fmt.Errorf("read the owners of device %s: %w", ids[i],
				failure(facts.SrcAllDevices, f.status, f.errBody, false, "")))
			return
		}
		us, err := values[wireUser](f)
		if err != nil {
			o.fail(fmt.Errorf("read the owners of device %s: %w", ids[i], err))
			return
		}
		var upns []string
		for _, u := range us {
			if n := ownerName(u); n != "" {
				upns = append(upns, n)
			}
		}
		found[ids[i]] = upns
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for id, upns := range found {
		o.found[id] = upns
	}
}

package graph

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// ownerRound is the most device owners asked for in one round of $batch requests (ten batches of
// twenty, sent at once), so that a tenant full of unenrolled devices does not flood Graph.
const ownerRound = 10 * batchLimit

// ownerLookups asks, in the background, for the registered owners of the devices it is given.
type ownerLookups struct {
	c     *Client
	ids   chan []string
	done  chan struct{}
	found map[string][]string // device object id -> owners' user principal names
	err   error
}

func (c *Client) startOwnerLookups(ctx context.Context) *ownerLookups {
	o := &ownerLookups{c: c, ids: make(chan []string, 64), done: make(chan struct{}), found: map[string][]string{}}
	go o.run(ctx)
	return o
}

// ask queues the owners of these devices; it blocks only while a backlog of rounds is pending.
func (o *ownerLookups) ask(ctx context.Context, ids []string) {
	select {
	case o.ids <- ids:
	case <-ctx.Done():
	}
}

// finish waits for every queued lookup and returns the owners found, or the first failure.
func (o *ownerLookups) finish() (map[string][]string, error) {
	close(o.ids)
	<-o.done
	return o.found, o.err
}

func (o *ownerLookups) run(ctx context.Context) {
	defer close(o.done)
	for ids := range o.ids {
		round := ids
	gather:
		for len(round) < ownerRound {
			select {
			case more, ok := <-o.ids:
				if !ok {
					break gather
				}
				round = append(round, more...)
			default:
				break gather
			}
		}
		for len(round) > 0 && o.err == nil && ctx.Err() == nil {
			n := min(len(round), ownerRound)
			o.lookup(ctx, round[:n])
			round = round[n:]
		}
	}
	if o.err == nil && ctx.Err() != nil {
		o.err = ctx.Err()
	}
}

// lookup reads the owners of ids through $batch, each item paged and retried as Read's are.
func (o *ownerLookups) lookup(ctx context.Context, ids []string) {
	fetches := make([]*fetch, len(ids))
	for i, id := range ids {
		fetches[i] = newFetch(strconv.Itoa(i+1), "v1.0", "/devices/"+url.PathEscape(id)+"/registeredOwners", "$select=id,userPrincipalName", false)
	}
	o.c.runFetches(ctx, "v1.0", fetches, func(*fetch) []*fetch { return nil })
	for i, f := range fetches {
		switch {
		case !f.done:
			o.err = ctx.Err()
			return
		case f.failed() && f.err != nil:
			o.err = fmt.Errorf("read the owners of device %s: %w", ids[i], requestFailure(facts.SrcAllDevices, f.err, false, ""))
			return
		case f.failed():
			o.err = fmt.Errorf("read the owners of device %s: %w", ids[i], failure(facts.SrcAllDevices, f.status, f.errBody, false, ""))
			return
		}
		us, err := values[wireUser](f)
		if err != nil {
			o.err = fmt.Errorf("read the owners of device %s: %w", ids[i], err)
			return
		}
		var upns []string
		for _, u := range us {
			if u.UserPrincipalName != "" {
				upns = append(upns, u.UserPrincipalName)
			}
		}
		o.found[ids[i]] = upns
	}
}

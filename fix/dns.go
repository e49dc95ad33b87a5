package fix

import (
	"context"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// WaitResolved runs the checks named by ids again every interval until each of their results passes
// or ctx ends, for a guided fix (a DNS record) whose effect shows only once others act. progress
// receives the results of each round. It reports whether they all passed.
func WaitResolved(ctx context.Context, c Checker, ids []string, interval time.Duration, progress func([]checks.Result)) ([]checks.Result, bool) {
	var last []checks.Result
	for {
		_, results := c.Check(ctx, ids)
		if ctx.Err() != nil {
			return last, false
		}
		last = Only(results, ids)
		if progress != nil {
			progress(last)
		}
		if allPass(last) {
			return last, true
		}
		select {
		case <-ctx.Done():
			return last, false
		case <-time.After(interval):
		}
	}
}

func allPass(rs []checks.Result) bool {
	for _, r := range rs {
		if r.Status != checks.Pass && r.Status != checks.Skip {
			return false
		}
	}
	return len(rs) > 0
}

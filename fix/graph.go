package fix

import (
	"context"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// Writer sends one planned request to Microsoft Graph. It returns every answer Graph gives, error
// statuses included (graph.Client.Send's answer); its error means no answer came, so the write may or
// may not have been applied.
type Writer interface {
	Send(ctx context.Context, r checks.Request) (graph.Response, error)
}

// Reader reads the current state of an object: a GET of an absolute Graph URL (a plan's URL, or an
// @odata.nextLink), answered like Writer.Send.
type Reader interface {
	Get(ctx context.Context, url string) (graph.Response, error)
}

// Checker runs checks again for the fix's target on freshly read facts: the checks named by ids are
// judged and the others skipped. It returns the facts read and every result.
type Checker interface {
	Check(ctx context.Context, ids []string) (*facts.Facts, []checks.Result)
}

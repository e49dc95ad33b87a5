package runner

import (
	"sync"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// queue hands engine events from the run's goroutine to the program without ever blocking the engine:
// if the program stops reading (it quit), the run still finishes and its goroutine ends.
type queue struct {
	mu     sync.Mutex
	events []checks.Event
	done   *DoneMsg
	ready  chan struct{}
}

func newQueue() *queue { return &queue{ready: make(chan struct{}, 1)} }

func (q *queue) push(e checks.Event) {
	q.mu.Lock()
	q.events = append(q.events, e)
	q.mu.Unlock()
	q.signal()
}

func (q *queue) finish(d DoneMsg) {
	q.mu.Lock()
	q.done = &d
	q.mu.Unlock()
	q.signal()
}

func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop waits until there are events or the run is done and returns what is there: the queued events
// first; the DoneMsg only once no event is left before it.
func (q *queue) pop() ([]checks.Event, DoneMsg) {
	for {
		q.mu.Lock()
		if len(q.events) > 0 {
			out := q.events
			q.events = nil
			q.mu.Unlock()
			return out, DoneMsg{}
		}
		if q.done != nil {
			d := *q.done
			q.mu.Unlock()
			return nil, d
		}
		q.mu.Unlock()
		<-q.ready
	}
}

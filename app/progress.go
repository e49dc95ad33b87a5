package app

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// sweepProgress shows the device sweep's progress on one terminal line, rewritten at most every
// tenth of a second.
type sweepProgress struct {
	w     io.Writer
	clock func() time.Time
	mu    sync.Mutex
	last  time.Time
	state map[facts.Source]graph.SweepProgress
	shown bool
}

// newSweepProgress returns a progress line on w when w is a terminal, nil otherwise: a redirected
// stderr gets no carriage returns.
func newSweepProgress(w io.Writer, clock func() time.Time) *sweepProgress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &sweepProgress{w: w, clock: clock, state: map[facts.Source]graph.SweepProgress{}}
}

// update records one collection's progress; it is called from the sweep's goroutines.
func (p *sweepProgress) update(sp graph.SweepProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state[sp.Source] = sp
	now := p.clock()
	if !sp.Done && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.shown = true
	fmt.Fprintf(p.w, "\r\x1b[KReading devices: Entra ID %s · Intune %s", progressPart(p.state[facts.SrcAllDevices]),
		progressPart(p.state[facts.SrcAllManagedDevices]))
}

func progressPart(sp graph.SweepProgress) string {
	s := fmt.Sprintf("%s records, %d pages", thousands(sp.Records), sp.Pages)
	if sp.Done {
		s += " (done)"
	}
	return s
}

// thousands writes n with thousands separators: 100,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// clear erases the progress line once the run is over, so that the report starts clean.
func (p *sweepProgress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

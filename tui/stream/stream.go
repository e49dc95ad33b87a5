// Package stream is the TUI's one way to bring background work into the program: a run's engine
// events, a sign-in's device code and outcome, a fix's progress. The work runs in its own goroutine
// and sends messages without ever blocking (the program may have quit and stopped reading); the
// program reads, in one command, everything that arrived since its last read, so a burst of events
// costs one Update and one frame.
package stream

import (
	"sync"

	tea "charm.land/bubbletea/v2"
)

// Batch is what a stream delivered since the last read, in the order it was sent. The root model
// handles each of Msgs as if it had arrived alone, then reads on with Next while More is true.
type Batch struct {
	Msgs []tea.Msg
	// More is false on the last batch: the work ended and nothing follows.
	More bool
	s    *stream
}

// Next returns the command that waits for the batch after b; nil after the last one.
func (b Batch) Next() tea.Cmd {
	if !b.More {
		return nil
	}
	return b.s.read
}

// Start returns a command that runs work in a goroutine of its own and delivers its first batch.
// work sends messages with send, from any goroutine, never blocking; what it returns, when not nil,
// is sent last. Cancelling the work is up to the context it closes over.
func Start(work func(send func(tea.Msg)) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		s := &stream{ready: make(chan struct{}, 1)}
		go func() { s.end(work(s.send)) }()
		return s.read()
	}
}

// stream is the queue between the work and the program.
type stream struct {
	mu    sync.Mutex
	msgs  []tea.Msg
	ended bool
	ready chan struct{}
}

func (s *stream) send(msg tea.Msg) {
	s.mu.Lock()
	s.msgs = append(s.msgs, msg)
	s.mu.Unlock()
	s.signal()
}

// end sends last, when not nil, and ends the stream, at once: the batch with last is the last batch.
func (s *stream) end(last tea.Msg) {
	s.mu.Lock()
	if last != nil {
		s.msgs = append(s.msgs, last)
	}
	s.ended = true
	s.mu.Unlock()
	s.signal()
}

func (s *stream) signal() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// read waits until something was sent or the work ended, and takes all of it.
func (s *stream) read() tea.Msg {
	for {
		s.mu.Lock()
		if len(s.msgs) > 0 || s.ended {
			b := Batch{Msgs: s.msgs, More: !s.ended, s: s}
			s.msgs = nil
			s.mu.Unlock()
			return b
		}
		s.mu.Unlock()
		<-s.ready
	}
}

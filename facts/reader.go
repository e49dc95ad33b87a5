package facts

import (
	"context"
	"sync"
)

// Reader gathers the sources it owns for a target, sending one Delta per source on out as each settles.
// It returns once every source it owns has been sent or ctx has ended. It never closes out.
type Reader interface {
	Read(ctx context.Context, t Target, out chan<- Delta)
}

// ReaderFunc adapts a function to a Reader.
type ReaderFunc func(ctx context.Context, t Target, out chan<- Delta)

// Read calls fn.
func (fn ReaderFunc) Read(ctx context.Context, t Target, out chan<- Delta) { fn(ctx, t, out) }

// Gather runs the readers concurrently and returns their deltas on one channel, closed when every
// reader has returned. The channel is buffered so that a slow consumer does not hold up the reads.
func Gather(ctx context.Context, t Target, readers ...Reader) <-chan Delta {
	out := make(chan Delta, 64)
	var wg sync.WaitGroup
	for _, r := range readers {
		wg.Go(func() { r.Read(ctx, t, out) })
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

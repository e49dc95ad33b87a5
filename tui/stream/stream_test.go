package stream

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestBatchesKeepOrderAndEndWithTheLast: what the work sends arrives in order, in as few batches as
// the reads allow, and the work's return value is in the last batch, after which Next is nil.
func TestBatchesKeepOrderAndEndWithTheLast(t *testing.T) {
	gate := make(chan struct{})
	cmd := Start(func(send func(tea.Msg)) tea.Msg {
		send(1)
		<-gate
		for i := 2; i <= 100; i++ {
			send(i)
		}
		return "done"
	})
	var got []tea.Msg
	first := cmd().(Batch)
	if len(first.Msgs) != 1 || first.Msgs[0] != 1 || !first.More {
		t.Fatalf("first batch %+v", first)
	}
	got = append(got, first.Msgs...)
	close(gate)
	next, reads := first.Next(), 0
	for next != nil {
		b := next().(Batch)
		got = append(got, b.Msgs...)
		next, reads = b.Next(), reads+1
	}
	if len(got) != 101 || got[100] != "done" {
		t.Fatalf("got %d messages, the last %v", len(got), got[len(got)-1])
	}
	for i := range 100 {
		if got[i] != i+1 {
			t.Fatalf("message %d is %v: out of order", i, got[i])
		}
	}
	if reads > 100 {
		t.Fatalf("%d reads for 100 messages", reads)
	}
}

// TestSendNeverBlocks: work whose program stopped reading (it quit) still runs to its end.
func TestSendNeverBlocks(t *testing.T) {
	ended := make(chan struct{})
	cmd := Start(func(send func(tea.Msg)) tea.Msg {
		for i := range 10000 {
			send(i)
		}
		close(ended)
		return nil
	})
	_ = cmd() // the first batch only; nothing reads on
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the work blocked on a stream nobody reads")
	}
}

package serve

import (
	"runtime"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/serve/servetest"
)

// BenchmarkIdleSessions opens b.N sessions of the small test application and reports the heap each
// one holds while idle. Client and server share the process, so the figure is an upper bound of the
// server's share.
func BenchmarkIdleSessions(b *testing.B) {
	key := servetest.NewKey(b)
	f := startServer(b, servetest.AuthorizedLine(key, ""), func(c *Config) { c.MaxSessions = b.N + 1 })
	before := heapInUse()
	b.ResetTimer()
	for range b.N {
		term := servetest.Open(b, f.connect(b, "op", key), 80, 24, nil)
		waitFor(b, "first frame", term.Out, title("user=op"))
	}
	b.StopTimer()
	b.ReportMetric(float64(heapInUse()-before)/float64(b.N), "heap-bytes/session")
}

// BenchmarkConcurrentSessions runs 50 operators at once: connected, then side by side a keystroke
// answered and quit.
func BenchmarkConcurrentSessions(b *testing.B) {
	const operators = 50
	key := servetest.NewKey(b)
	f := startServer(b, servetest.AuthorizedLine(key, ""), func(c *Config) { c.MaxSessions = operators })
	b.ResetTimer()
	for range b.N {
		terms := make([]*servetest.Terminal, operators)
		for i := range terms {
			terms[i] = servetest.Open(b, f.connect(b, "op", key), 80, 24, nil)
		}
		done := make(chan error, operators)
		for _, term := range terms {
			go func() {
				_, err := term.In.Write([]byte("a"))
				if err == nil {
					err = servetest.Await(term.Out, title("user=op count=1"))
				}
				if err == nil {
					_, err = term.In.Write([]byte("q"))
				}
				if err == nil {
					err = <-term.Ended
				}
				done <- err
			}()
		}
		for range operators {
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

package serve

import (
	"runtime"
	"testing"
)

// BenchmarkIdleSessions opens b.N sessions of the small test application and reports the heap each
// one holds while idle. Client and server share the process, so the figure is an upper bound of the
// server's share.
func BenchmarkIdleSessions(b *testing.B) {
	key := newKey(b)
	f := startServer(b, authorizedLine(key, ""), func(c *Config) { c.MaxSessions = b.N + 1 })
	before := heapInUse()
	b.ResetTimer()
	for range b.N {
		term := openTerminal(b, f.connect(b, "op", key), 80, 24, nil)
		waitFor(b, "first frame", term.out, title("user=op"))
	}
	b.StopTimer()
	b.ReportMetric(float64(heapInUse()-before)/float64(b.N), "heap-bytes/session")
}

// BenchmarkConcurrentSessions runs 50 operators at once: connected, then side by side a keystroke
// answered and quit.
func BenchmarkConcurrentSessions(b *testing.B) {
	const operators = 50
	key := newKey(b)
	f := startServer(b, authorizedLine(key, ""), func(c *Config) { c.MaxSessions = operators })
	b.ResetTimer()
	for range b.N {
		terms := make([]*terminal, operators)
		for i := range terms {
			terms[i] = openTerminal(b, f.connect(b, "op", key), 80, 24, nil)
		}
		done := make(chan error, operators)
		for _, term := range terms {
			go func() {
				_, err := term.in.Write([]byte("a"))
				if err == nil {
					err = await(term.out, title("user=op count=1"))
				}
				if err == nil {
					_, err = term.in.Write([]byte("q"))
				}
				if err == nil {
					err = <-term.ended
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

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

// BenchmarkConcurrentSessions runs 50 operators at once: connect, a keystroke answered, quit.
func BenchmarkConcurrentSessions(b *testing.B) {
	const operators = 50
	key := newKey(b)
	f := startServer(b, authorizedLine(key, ""), func(c *Config) { c.MaxSessions = operators })
	b.ResetTimer()
	for range b.N {
		done := make(chan struct{}, operators)
		for range operators {
			go func() {
				defer func() { done <- struct{}{} }()
				term := openTerminal(b, f.connect(b, "op", key), 80, 24, nil)
				term.press(b, "a")
				waitFor(b, "counted", term.out, title("user=op count=1"))
				term.press(b, "q")
				_ = term.wait(b)
			}()
		}
		for range operators {
			<-done
		}
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

package main

import (
	"runtime"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/serve/servetest"
)

// BenchmarkServeDemoSessions serves the demo to 50 operators at once, as a team would: it reports the
// heap each session holds idle on the target screen, the heap each holds after a triage of its user,
// and how long the 50 triages take side by side. Client and server share the process: the figures
// include the SSH client's share, so they bound the server's from above. Each session's demo runs
// its own fake Graph servers and DNS server, which a signed-in session does not.
func BenchmarkServeDemoSessions(b *testing.B) {
	const operators = 50
	for range b.N {
		s := startServe(b, []string{"op"}, "--demo", "--max-sessions", "60")
		before := heapInUse()
		screens := make([]*servetest.Terminal, operators)
		for i := range screens {
			screens[i] = s.connect(b, "op")
			screens[i].WaitFor(b, "Who has the problem?")
		}
		idle := heapInUse()
		start := time.Now()
		done := make(chan error, operators)
		for _, sc := range screens {
			go func() {
				_, err := sc.In.Write([]byte("alice@contoso.com\r"))
				if err == nil {
					err = servetest.Await(sc.Out, "Finished")
				}
				done <- err
			}()
		}
		for range operators {
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/50-triages")
		after := heapInUse()
		b.ReportMetric((idle-before)/operators/1024, "KiB-idle/session")
		b.ReportMetric((after-before)/operators/1024, "KiB-after-triage/session")
		s.stop()
	}
}

func heapInUse() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse)
}

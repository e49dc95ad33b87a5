package graph_test

import (
	"testing"
	"time"
)

// BenchmarkReadUser reads one user's full triage with 100 ms of latency on every HTTP request and
// reports the HTTP requests sent and the sequential round trips (wall time / latency): with Graph's
// usual page sizes, and with pages of 2 so that several collections need next pages.
func BenchmarkReadUser(b *testing.B) {
	const latency = 100 * time.Millisecond
	for _, bc := range []struct {
		name     string
		pageSize int
	}{{"pages-of-100", 100}, {"pages-of-2", 2}} {
		b.Run(bc.name, func(b *testing.B) {
			srv, c := demo(b, "contoso")
			srv.SetPageSize(bc.pageSize)
			srv.SetLatency(latency)
			read(b, c, "frank@contoso.com") // warm the connections, as a later read in a session finds them
			srv.ResetRequests()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				f, _ := read(b, c, "frank@contoso.com")
				if f.User == nil || len(f.ManagedDevices) != 3 || len(f.UserDevices) != 4 {
					b.Fatalf("read failed: %+v", f.Status("user"))
				}
			}
			wall := time.Since(start)
			b.StopTimer()
			requests := 0
			for _, r := range srv.Requests() {
				if !r.Batch {
					requests++
				}
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			b.ReportMetric(float64(wall)/float64(b.N)/float64(latency), "roundtrips/op")
		})
	}
}

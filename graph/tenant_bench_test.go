package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// sweepDevices is the tenant size of the sweep benchmarks: 100,000 Entra devices and as many
// Intune managed devices.
const sweepDevices = 100_000

// heapPeak samples the heap (live objects and garbage not yet swept, as MemStats.HeapAlloc counts
// it) every few milliseconds until stopped, and keeps the highest value.
type heapPeak struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
}

func watchHeap() *heapPeak {
	h := &heapPeak{stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(sample)
		h.peak = max(h.peak, sample[0].Value.Uint64())
	}
	go func() {
		defer close(h.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-h.stop:
				read()
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) stopMB() float64 {
	close(h.stop)
	<-h.done
	return float64(h.peak) / (1 << 20)
}

// BenchmarkSweep reads 100,000 Entra and 100,000 Intune devices from the generated tenant through the
// client (HTTP on loopback, the SDK's adapter, the sweep's decoder), grouping them as they stream in,
// and judges them with the walkthrough's devices.duplicates and scope.mdm checks, as a tenant run does.
//
// latency-0 runs on one core (GOMAXPROCS 1, the fake server included) and reports the records
// read, decoded and matched per second and the peak heap. latency-50ms answers every page after
// 50 ms and reports the wall time (and the read alone) over the page-fetch time of the longer
// collection, measured by fetching its pages with a plain HTTP client (about 51.5 ms a page here),
// and over the nominal 101 pages times 50 ms: the two collections are fetched concurrently, and
// decoding overlaps fetching.
func BenchmarkSweep(b *testing.B) {
	b.Run("latency-0", func(b *testing.B) {
		srv, c := scale(b, graphtest.ScaleOptions{Devices: sweepDevices})
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		var peak float64
		for b.Loop() {
			runtime.GC()
			h := watchHeap()
			f, run := fedSweep(c)
			dups, scope := judgeSweep(f, run)
			peak = max(peak, h.stopMB())
			checkSweep(b, srv, f, dups, scope)
		}
		b.ReportMetric(float64(2*sweepDevices*b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(peak, "peak-heap-MB")
	})
	b.Run("latency-50ms", func(b *testing.B) {
		const latency = 50 * time.Millisecond
		srv, c := scale(b, graphtest.ScaleOptions{Devices: sweepDevices})
		srv.SetLatency(latency)
		fetch := fetchPages(b, srv, "/v1.0/devices?$top=999&$select=id")
		var read time.Duration
		for b.Loop() {
			start := time.Now()
			f, run := fedSweep(c)
			read += time.Since(start)
			dups, scope := judgeSweep(f, run)
			checkSweep(b, srv, f, dups, scope)
		}
		pages := (sweepDevices + 998) / 999
		nominal := time.Duration(pages) * latency
		b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(fetch), "wall/fetch")
		b.ReportMetric(float64(read)/float64(b.N)/float64(fetch), "read/fetch")
		b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(nominal), "wall/nominal")
		b.ReportMetric(float64(fetch.Milliseconds()), "fetch-ms")
	})
}

// fetchPages measures the page-fetch time of one collection: its pages asked for one after another
// with a plain HTTP client, each read to its end, nothing decoded but the next link. Both collections
// have as many pages, so this is the longer collection's.
func fetchPages(b *testing.B, srv *graphtest.Scale, first string) time.Duration {
	b.Helper()
	start := time.Now()
	for next := srv.URL() + first; next != ""; {
		req, _ := http.NewRequest(http.MethodGet, next, nil)
		req.Header.Set("Authorization", "Bearer "+srv.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			Next string `json:"@odata.nextLink"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		next = page.Next
	}
	return time.Since(start)
}

// fedSweep runs the sweep as a tenant run does: the records are fed to the run's grouping while
// they stream in.
func fedSweep(c *graph.Client) (*facts.Facts, *checks.TenantRun) {
	run := checks.NewTenantRun()
	ctx := graph.WithSweepRecords(context.Background(), graph.SweepRecords{Entra: run.AddEntraDevice, Managed: run.AddManagedDevice})
	return sweep(ctx, c), run
}

// judgeSweep judges the swept facts with the run's two device checks, which share one grouping of
// the records.
func judgeSweep(f *facts.Facts, run *checks.TenantRun) (dups, scope []checks.Result) {
	for _, c := range run.Checks() {
		switch c.ID {
		case "scope.mdm":
			scope = checks.Evaluate(c, f)
		case "devices.duplicates":
			dups = checks.Evaluate(c, f)
		}
	}
	return dups, scope
}

func checkSweep(b *testing.B, srv *graphtest.Scale, f *facts.Facts, dups, scope []checks.Result) {
	b.Helper()
	planted := srv.Planted()
	if len(f.AllDevices) != sweepDevices || len(f.AllManagedDevices) != sweepDevices || len(dups) != planted.Duplicates+planted.Orphans ||
		len(scope) != 1+planted.NeverEnrolled {
		b.Fatalf("read %d/%d devices, %d devices.duplicates and %d scope.mdm results; planted %+v (%s / %s)", len(f.AllDevices),
			len(f.AllManagedDevices), len(dups), len(scope), planted, f.Status(facts.SrcAllDevices).Reason, f.Status(facts.SrcAllManagedDevices).Reason)
	}
}

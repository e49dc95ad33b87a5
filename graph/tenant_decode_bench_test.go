package graph

import (
	"bytes"
	"net/http"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// BenchmarkSweepProcessing measures the sweep's own processing, on one core: decoding the pages of
// 100,000 Entra and 100,000 Intune devices (as Graph sends them with the sweep's $select and $top)
// and matching them as devices.duplicates and scope.mdm do. Each page is fetched from the generated
// tenant with the timer stopped, so that neither the fake server nor HTTP is counted; only one raw
// page buffer is held and reused, as in the sweep. It reports records per second and the peak heap (live
// objects and garbage not yet swept) over the run.
func BenchmarkSweepProcessing(b *testing.B) {
	const devices = 100_000
	srv, err := graphtest.NewScale(graphtest.ScaleOptions{Devices: devices})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var buf bytes.Buffer
	get := func(url string) []byte {
		b.StopTimer()
		defer b.StartTimer()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+srv.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		buf.Reset()
		if _, err := buf.ReadFrom(resp.Body); err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %v", url, resp.StatusCode, err)
		}
		return buf.Bytes()
	}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	heap := func() {
		metrics.Read(sample)
		peak = max(peak, sample[0].Value.Uint64())
	}
	read := func(path, sel string, record func(*scanner) bool) {
		next := srv.URL() + "/v1.0" + path + "?$select=" + sel + "&$top=999"
		for next != "" {
			page := get(next)
			s := scanner{b: page}
			link, err := s.page(record)
			if err != nil {
				b.Fatal(err)
			}
			heap()
			next = link
		}
	}
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		peak = 0
		b.StartTimer()
		dd, md := deviceDecoder{shared: interner{}}, managedDecoder{shared: interner{}}
		var entra chunks[facts.EntraDevice]
		var managed chunks[facts.ManagedDevice]
		read("/devices", sweepSelDevice, func(s *scanner) bool {
			e, ok := dd.record(s)
			entra.add(e)
			return ok
		})
		read("/deviceManagement/managedDevices", sweepSelManaged, func(s *scanner) bool {
			m, ok := md.record(s)
			managed.add(m)
			return ok
		})
		f := facts.New("public", facts.Target{Kind: facts.TargetTenant}, time.Now())
		f.AllDevices, f.AllManagedDevices = entra.all(), managed.all()
		heap()
		s := checks.TenantSweep(f)
		heap()
		if p := srv.Planted(); len(f.AllDevices) != devices || s.Count(checks.SweepDuplicate) != p.Duplicates || s.Count(checks.SweepOrphan) != p.Orphans {
			b.Fatalf("%d devices, %d duplicates, %d orphans; planted %+v", len(f.AllDevices), s.Count(checks.SweepDuplicate), s.Count(checks.SweepOrphan), p)
		}
	}
	b.ReportMetric(float64(2*devices*b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

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
// page buffer is held and reused, as in the sweep. The records are grouped as they are decoded and then
// judged by the walkthrough's devices.duplicates and scope.mdm, as in a tenant run. It reports records
// per second of wall time and of the process's CPU time (which other work on the machine does not
// inflate), and the peak heap (live objects and garbage not yet swept) over the run.
func BenchmarkSweepProcessing(b *testing.B) {
	const devices = 100_000
	srv, err := graphtest.NewScale(graphtest.ScaleOptions{Devices: devices})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var buf bytes.Buffer
	// cpu adds up the process's CPU time while the timer runs, fetches excluded.
	var cpu, mark time.Duration
	get := func(url string) []byte {
		cpu += processCPU() - mark
		b.StopTimer()
		defer func() {
			b.StartTimer()
			mark = processCPU()
		}()
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
	read := func(path, sel string, record func(*scanner) bool, pageDone func()) {
		next := srv.URL() + "/v1.0" + path + "?$select=" + sel + "&$top=999"
		for next != "" {
			page := get(next)
			s := scanner{b: page}
			link, err := s.page(record)
			if err != nil {
				b.Fatal(err)
			}
			pageDone()
			heap()
			next = link
		}
	}
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		peak = 0
		b.StartTimer()
		mark = processCPU()
		dd, md := deviceDecoder{shared: interner{}}, managedDecoder{shared: interner{}}
		run := checks.NewTenantRun()
		var entra chunks[facts.EntraDevice]
		var managed chunks[facts.ManagedDevice]
		var strs pageStrings
		var pageE []*facts.EntraDevice
		var pageM []*facts.ManagedDevice
		read("/devices", sweepSelDevice, func(s *scanner) bool {
			e := entra.next()
			pageE = append(pageE, e)
			return dd.record(s, e, &strs)
		}, func() {
			strs.flush()
			for _, e := range pageE {
				run.AddEntraDevice(*e)
			}
			pageE = pageE[:0]
		})
		read("/deviceManagement/managedDevices", sweepSelManaged, func(s *scanner) bool {
			m := managed.next()
			pageM = append(pageM, m)
			return md.record(s, m, &strs)
		}, func() {
			strs.flush()
			for _, m := range pageM {
				run.AddManagedDevice(*m)
			}
			pageM = pageM[:0]
		})
		f := facts.New("public", facts.Target{Kind: facts.TargetTenant}, time.Now())
		f.AllDevices, f.AllManagedDevices = entra.all(), managed.all()
		for _, src := range []facts.Source{facts.SrcAllDevices, facts.SrcAllManagedDevices, facts.SrcMDMPolicy, facts.SrcScopeMembers} {
			f.Apply(facts.Delta{Source: src, Apply: func(*facts.Facts) {}})
		}
		f.MDMPolicy, f.ScopeMembers = &facts.MobilityPolicy{AppliesTo: "all", Present: true}, &facts.ScopeMembers{}
		heap()
		results := 0
		for _, c := range run.Checks() {
			if c.ID == "devices.duplicates" || c.ID == "scope.mdm" {
				results += len(checks.Evaluate(c, f))
			}
		}
		heap()
		cpu += processCPU() - mark
		if p := srv.Planted(); len(f.AllDevices) != devices || results != p.Duplicates+p.Orphans+1 {
			b.Fatalf("%d devices, %d results; planted %+v", len(f.AllDevices), results, p)
		}
	}
	b.ReportMetric(float64(2*devices*b.N)/b.Elapsed().Seconds(), "records/s")
	if cpu > 0 {
		b.ReportMetric(float64(2*devices*b.N)/cpu.Seconds(), "records/cpu-s")
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

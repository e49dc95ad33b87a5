package app

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

func TestSweepProgressLine(t *testing.T) {
	if newSweepProgress(&bytes.Buffer{}, time.Now) != nil {
		t.Error("progress on a writer that is no terminal")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if newSweepProgress(f, time.Now) != nil {
		t.Error("progress on a redirected stderr")
	}
	var buf bytes.Buffer
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	p := &sweepProgress{w: &buf, clock: func() time.Time { return now }, state: map[facts.Source]graph.SweepProgress{}}
	p.update(graph.SweepProgress{Source: facts.SrcAllDevices, Pages: 1, Records: 999})
	p.update(graph.SweepProgress{Source: facts.SrcAllManagedDevices, Pages: 1, Records: 999}) // within 100 ms: not drawn
	now = now.Add(time.Second)
	p.update(graph.SweepProgress{Source: facts.SrcAllDevices, Pages: 101, Records: 100_000, Done: true})
	p.clear()
	want := "\r\x1b[KReading devices: Entra ID 999 records, 1 pages · Intune 0 records, 0 pages" +
		"\r\x1b[KReading devices: Entra ID 100,000 records, 101 pages (done) · Intune 999 records, 1 pages\r\x1b[K"
	if buf.String() != want {
		t.Errorf("progress\n%q\nwant\n%q", buf.String(), want)
	}
}

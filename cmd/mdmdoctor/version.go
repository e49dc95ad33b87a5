package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Stamped by make build and make dist: -ldflags "-X main.stampVersion=... -X main.stampCommit=...
// -X main.stampDate=...". A binary built with go install has none of them and reads its build info.
var stampVersion, stampCommit, stampDate string

// buildInfo is what this binary says it is.
type buildInfo struct{ version, commit, date string }

// build is this binary's buildInfo; version names it in reports and the TUI.
var (
	build   = buildOf(stampVersion, stampCommit, stampDate, debug.ReadBuildInfo)
	version = build.version
)

// buildOf takes what was stamped, and fills the rest from the build info: the module version that
// go install fetched (v1.2.3, or a pseudo-version), and the commit and its time when the build saw
// the repository.
func buildOf(v, commit, date string, read func() (*debug.BuildInfo, bool)) buildInfo {
	b := buildInfo{version: v, commit: commit, date: date}
	if bi, ok := read(); ok {
		if b.version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && b.commit == "":
				b.commit = s.Value
			case s.Key == "vcs.time" && b.date == "":
				b.date = s.Value
			}
		}
	}
	if b.version == "" {
		b.version = "devel"
	}
	return b
}

func writeVersion(s streams) error {
	commit, date := build.commit, build.date
	if commit == "" {
		commit = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	_, err := fmt.Fprintf(s.out, "mdmdoctor %s (commit %s, built %s, %s %s/%s)\n", build.version, commit, date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

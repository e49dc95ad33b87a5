package app

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// BuildInfo is what a binary says it is.
type BuildInfo struct{ Version, Commit, Date string }

// Build takes what make stamped into main (-ldflags -X), and fills the rest from read
// (debug.ReadBuildInfo): the module version that go install fetched (v1.2.3, or a pseudo-version), and
// the commit and its time when the build saw the repository.
func Build(v, commit, date string, read func() (*debug.BuildInfo, bool)) BuildInfo {
	b := BuildInfo{Version: v, Commit: commit, Date: date}
	if bi, ok := read(); ok {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			}
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	return b
}

// String is what version and --version print.
func (b BuildInfo) String() string {
	commit, date := b.Commit, b.Date
	if commit == "" {
		commit = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	return fmt.Sprintf("mdmdoctor %s (commit %s, built %s, %s %s/%s)", b.Version, commit, date, runtime.Version(),
		runtime.GOOS, runtime.GOARCH)
}

package app

import (
	"runtime/debug"
	"testing"
)

// TestBuild: what make stamps wins; a go install build names its module version and commit; a
// build with neither says devel.
func TestBuild(t *testing.T) {
	installed := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}}}, true
	}
	local := func() (*debug.BuildInfo, bool) { return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true }
	for _, tc := range []struct {
		name            string
		v, commit, date string
		read            func() (*debug.BuildInfo, bool)
		want            BuildInfo
	}{
		{"make", "0.2.0", "def456", "2026-12-02T06:00:00Z", installed, BuildInfo{"0.2.0", "def456", "2026-12-02T06:00:00Z"}},
		{"go install", "", "", "", installed, BuildInfo{"v1.2.3", "abc123", "2026-12-01T10:00:00Z"}},
		{"go build", "", "", "", local, BuildInfo{Version: "devel"}},
	} {
		if got := Build(tc.v, tc.commit, tc.date, tc.read); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// Package mdmdoctor holds the files that ship inside the binary: the demo tenants and DNS zones, which
// live under testdata so that the tests and the demo share one copy.
package mdmdoctor

import "embed"

// Demo holds testdata/demo: one JSON scenario per demo tenant and the demo DNS zones under zones/.
//
//go:embed testdata/demo
var Demo embed.FS

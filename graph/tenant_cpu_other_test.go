//go:build !unix

package graph

import "time"

// processCPU is not measured here: the CPU metrics read as zero.
func processCPU() time.Duration { return 0 }

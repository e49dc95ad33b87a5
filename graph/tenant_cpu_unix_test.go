//go:build unix

package graph

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, user and system: on a machine other work shares,
// it measures a benchmark's own cost where wall time cannot.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

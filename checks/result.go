package checks

// Result is one verdict of one check about one subject. Field names are the JSON report contract.
type Result struct {
	ID          string     `json:"id"`
	Subject     string     `json:"subject"`
	Title       string     `json:"title"`
	Status      Status     `json:"status"`
	Summary     string     `json:"summary"`
	Explanation string     `json:"explanation"`
	Remediation string     `json:"remediation"`
	Evidence    []Evidence `json:"evidence"`
	Docs        string     `json:"docs"`
	Fixes       []Fix      `json:"fixes"`
	Error       string     `json:"error"`
	DurationMs  int64      `json:"durationMs"`
	// Table is a detail best read as rows (enrollment.failures: one row per failure); nil for most results.
	Table *Table `json:"table,omitempty"`
}

// Evidence is one observed fact a verdict stands on: where it was read and what it said.
type Evidence struct {
	Source string `json:"source"`
	Detail string `json:"detail"`
}

// Fix is a planned remedy: the exact Graph requests that would apply it, as typed values (Request).
type Fix struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Reversible  bool      `json:"reversible"`
	Permissions []string  `json:"permissions"`
	Requests    []Request `json:"requests"`
	// Guidance is set for fixes that are steps for the operator rather than Graph calls (DNS).
	Guidance string `json:"guidance,omitempty"`
}

// Normalize fills nil slices so the JSON report always has arrays, never null, and makes every text
// safe to print.
func (r *Result) Normalize() {
	r.makePrintable()
	if r.Evidence == nil {
		r.Evidence = []Evidence{}
	}
	if r.Fixes == nil {
		r.Fixes = []Fix{}
	}
	for i := range r.Fixes {
		if r.Fixes[i].Permissions == nil {
			r.Fixes[i].Permissions = []string{}
		}
		if r.Fixes[i].Requests == nil {
			r.Fixes[i].Requests = []Request{}
		}
	}
}

package graph

import (
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// answerAll settles every fetch with the same answer: pages holding body on a success, a failure
// carrying body otherwise.
func answerAll(fs []*fetch, body []byte, status int) {
	for _, f := range fs {
		if f.done {
			continue
		}
		f.done = true
		if status >= 200 && status < 300 {
			f.pages = [][]byte{body}
		} else {
			f.status, f.errBody = status, body
		}
	}
}

// FuzzGraphJSON gives every read of a user's triage and of a tenant walkthrough the same answer,
// whatever JSON (or not) the fuzzer makes, with whatever status, and judges the facts with every
// check. Decoding must not panic; each source must settle as exactly one of loaded, failed or
// skipped, a failure must say what to do on one line; and every check must give a verdict, or an
// error that says why.
func FuzzGraphJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, status uint16) {
		for _, kind := range []facts.TargetKind{facts.TargetUser, facts.TargetTenant} {
			target := facts.Target{Kind: kind}
			p := &plan{policies: map[facts.Source][2]*fetch{}}
			if kind == facts.TargetUser {
				target.User, p.upn = "alice@contoso.com", "alice@contoso.com"
				p.userJobs([]string{"11111111-2222-4333-8444-555555555555"})
			}
			p.tenantJobs(kind == facts.TargetUser)
			if kind == facts.TargetTenant {
				p.walkthroughJobs()
			}
			fs := facts.New("public", target, time.Now())
			fs.Apply(facts.Delta{Source: facts.SrcOperator, Apply: func(f *facts.Facts) {
				f.Operator = &facts.Operator{Known: true, UserPrincipalName: "admin@contoso.com", Scopes: ReadScopes()}
			}})
			fs.Apply(facts.Delta{Source: facts.SrcDNS, Skip: "not probed"})
			fs.Apply(facts.Delta{Source: facts.SrcDsregcmd, Skip: "no paste"})
			for _, j := range p.jobs {
				answerAll(j.fetches, body, int(status))
				answerAll(j.after, body, int(status))
				if j.more != nil {
					more := j.more()
					answerAll(more, body, int(status))
					j.fetches = append(j.fetches, more...)
				}
				d := j.build()
				set := 0
				for _, b := range []bool{d.Err != nil, d.Skip != "", d.Apply != nil} {
					if b {
						set++
					}
				}
				if set != 1 {
					t.Fatalf("%s: delta %+v, want exactly one of Err, Skip, Apply", j.source, d)
				}
				if d.Err != nil && strings.ContainsAny(d.Err.Error(), "\r\n") {
					t.Errorf("%s: error spans lines: %q", j.source, d.Err)
				}
				d.Source, d.Endpoint = j.source, j.endpoint
				fs.Apply(d)
			}
			for _, c := range checks.ForKind(kind) {
				for _, r := range checks.Evaluate(c, fs) {
					if r.Status == checks.Error && r.Error == "" {
						t.Errorf("%s: error without a cause: %+v", r.ID, r)
					}
					if r.Summary == "" {
						t.Errorf("%s: %s without a summary", r.ID, r.Status)
					}
				}
			}
		}
	})
}

// FuzzBatchResponse reads whatever the fuzzer makes as a $batch answer for three reads, as
// runFetches does. It must not panic; each read must end with its data, with a failure, or with a
// next request scheduled; and a next request must be a path under the version (never a URL or a
// scheme-relative //host), whatever host a next link names.
func FuzzBatchResponse(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		results, err := decodeBatch(body)
		fetches := []*fetch{
			newFetch("1", "v1.0", "/users/alice@contoso.com/licenseDetails", "$select=skuId", true),
			newFetch("2", "v1.0", "/domains", "", false),
			newFetch("3", "beta", "/policies/mobileDeviceManagementPolicies/x", "", false),
		}
		c := &Client{}
		for _, f := range fetches {
			before := time.Now()
			c.absorb(f, chunkResult{fetches: fetches, results: results, err: err})
			switch {
			case f.done:
				if f.err == nil && f.status == 0 && len(f.pages) == 0 {
					t.Errorf("%s: done without data or failure", f.id)
				}
				if f.err != nil && strings.ContainsAny(f.err.Error(), "\r\n") {
					t.Errorf("%s: error spans lines: %q", f.id, f.err)
				}
			case f.tries > 0:
				if f.tries > maxRetries || f.wait.Before(before) {
					t.Errorf("%s: retry %d scheduled for %v, before it was asked for", f.id, f.tries, f.wait)
				}
			default:
				if !strings.HasPrefix(f.next, "/") || strings.HasPrefix(f.next, "//") || len(f.pages) == 0 {
					t.Errorf("%s: next request %q after %d pages, want a path under the version", f.id, f.next, len(f.pages))
				}
			}
		}
	})
}

// FuzzTokenClaims reads the operator from whatever token the fuzzer makes: an opaque token must
// leave the operator unknown, never guessed.
func FuzzTokenClaims(f *testing.F) {
	f.Fuzz(func(t *testing.T, token string, appOnly bool) {
		op := operator(token, appOnly)
		if op == nil {
			t.Fatal("no operator")
		}
		if _, ok := parseClaims(token); !ok && (op.Known || len(op.Scopes) > 0 || op.TenantID != "" || op.AppOnly != appOnly) {
			t.Errorf("opaque token %q gave %+v", token, op)
		}
	})
}

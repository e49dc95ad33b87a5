package graph

import (
	"net/url"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// nestingJob reads how the user reaches the MDM scope's included groups: the user's direct groups, and
// for each included group the groups nested inside it (read once the MDM policy says which groups it
// includes). scope.mdm tells direct membership from membership through nesting with them, since
// Microsoft does not document that the MDM user scope follows nested groups.
func (p *plan) nestingJob() {
	mdm := p.policies[facts.SrcMDMPolicy]
	direct := p.fetch("beta", userPath(p.upn)+"/memberOf/microsoft.graph.group", "$select=id,displayName"+topMax, true)
	j := &job{source: facts.SrcScopeNesting, version: "beta", fetches: []*fetch{direct}, after: []*fetch{mdm[0], mdm[1]},
		endpoint: "GET /beta" + userPath(p.upn) +
			"/memberOf + /groups/{included group}/transitiveMembers/microsoft.graph.group"}
	nested := map[string]*fetch{}
	// The nested groups are read only when the user is a direct member of no included group: the usual
	// case needs no second round trip.
	j.more = func() []*fetch {
		ids := scopeGroupIDs(mdm[0], mdm[1])
		if direct.failed() {
			return nil
		}
		ws, err := values[wireDirectoryObject](direct)
		if err != nil || slices.ContainsFunc(ws, func(w wireDirectoryObject) bool {
			return slices.ContainsFunc(ids, func(id string) bool { return strings.EqualFold(id, w.ID) })
		}) {
			return nil
		}
		var out []*fetch
		for _, id := range ids {
			f := p.fetch("beta", "/groups/"+url.PathEscape(id)+"/transitiveMembers/microsoft.graph.group", "$select=id,displayName"+topMax, false)
			nested[id] = f
			out = append(out, f)
		}
		return out
	}
	j.build = func() facts.Delta {
		if direct.failed() {
			return facts.Delta{Err: p.failure(facts.SrcScopeNesting, direct)}
		}
		ws, err := values[wireDirectoryObject](direct)
		if err != nil {
			return bad(err)
		}
		n := &facts.ScopeNesting{Nested: map[string][]facts.Group{}}
		for _, w := range ws {
			n.Direct = append(n.Direct, w.ID)
		}
		for id, f := range nested {
			if f.failed() {
				return facts.Delta{Err: p.failure(facts.SrcScopeNesting, f)}
			}
			gs, err := values[wireDirectoryObject](f)
			if err != nil {
				return bad(err)
			}
			n.Nested[strings.ToLower(id)] = toGroups(gs)
		}
		slices.Sort(n.Direct)
		return facts.Delta{Apply: func(f *facts.Facts) { f.ScopeNesting = n }}
	}
	p.jobs = append(p.jobs, j)
}

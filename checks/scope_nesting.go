package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Microsoft documents the MDM user scope as "Some: select the groups that can automatically enroll their
// Windows devices" (scopeDocs) and says nothing about groups nested inside those groups. A user who is in
// the scope only through nesting is therefore not a pass: the result names the chain of groups, says that
// nesting is undocumented for this setting, and what to do if the device still does not enroll.

// userScopeReach is how the user reaches the MDM scope's included groups.
type userScopeReach struct {
	// direct is the included group the user is a direct member of, if any.
	direct *facts.Group
	// nested are included groups the user reaches only through nesting, with the chain of groups.
	nested []nestedReach
	// unknown says why direct and nested membership could not be told apart.
	unknown string
}

type nestedReach struct {
	outer facts.Group
	// chain are the groups nested in outer that the user belongs to (those on the way to the user);
	// inner are the ones among them the user is a direct member of.
	chain, inner []facts.Group
}

// reachScope sorts the included groups the user is a transitive member of into direct and nested.
func reachUserScope(f *facts.Facts, p *facts.MobilityPolicy) userScopeReach {
	var in []facts.Group
	for _, g := range p.IncludedGroups {
		if isMember(f, g.ID) {
			in = append(in, g)
		}
	}
	n := f.ScopeNesting
	switch {
	case len(in) == 0:
		return userScopeReach{}
	case n == nil:
		return userScopeReach{unknown: "the user's direct group memberships were not read"}
	}
	isDirect := func(id string) bool {
		return slices.ContainsFunc(n.Direct, func(d string) bool { return strings.EqualFold(d, id) })
	}
	var out userScopeReach
	for i, g := range in {
		if isDirect(g.ID) {
			return userScopeReach{direct: &in[i]}
		}
		nr := nestedReach{outer: g}
		for _, ng := range n.Nested[strings.ToLower(g.ID)] {
			if !isMember(f, ng.ID) {
				continue
			}
			nr.chain = append(nr.chain, ng)
			if isDirect(ng.ID) {
				nr.inner = append(nr.inner, ng)
			}
		}
		out.nested = append(out.nested, nr)
	}
	return out
}

// words says the chain: "Intune Users" contains "Sales" (through nesting), of which the user is a direct member.
func (nr nestedReach) words() string {
	s := fmt.Sprintf("%q", nr.outer.DisplayName)
	if len(nr.chain) == 0 {
		return s + " holds the user through groups the read did not return"
	}
	s += " contains " + groupNames(nr.chain)
	if len(nr.inner) > 0 {
		s += fmt.Sprintf(" (nested), and the user is a direct member of %s", groupNames(nr.inner))
	}
	return s
}

// nestedScopeResult is the warning for a user in scope only through nested groups.
func nestedScopeResult(f *facts.Facts, p *facts.MobilityPolicy, sr userScopeReach, ev []Evidence) Result {
	src := requestOf(f, facts.SrcScopeNesting, "GET /beta/users/{upn}/memberOf")
	var chains []string
	for _, nr := range sr.nested {
		chains = append(chains, nr.words())
		ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("the user is not a direct member of included "+
			"group %q: %s", nr.outer.DisplayName, nr.words())})
	}
	r := Result{Status: Warn, Evidence: ev,
		Summary: "The user is in the MDM user scope only through nested groups: " + strings.Join(chains, "; ") + ".",
		Explanation: "Microsoft documents the MDM user scope as the groups selected under Some, and does not " +
			"document whether members of groups nested inside them are in scope. " +
			"Entra ID evaluates it when the device joins or registers; if nesting is not followed, the device joins " +
			"but never enrolls (error 0x8018002b).",
		Remediation: "If the device does not enroll, add the user directly to an included group, or add the inner " +
			"group itself to the MDM user scope (Intune admin center > Devices > Enrollment > Windows > Automatic " +
			"Enrollment > MDM user scope: Some).",
	}
	for _, nr := range sr.nested {
		if nr.outer.Dynamic {
			continue
		}
		r.Fixes = append(r.Fixes, addUserToGroupFix(f, nr.outer, fmt.Sprintf("Add the user directly to the "+
			"included group %q", nr.outer.DisplayName)))
		break
	}
	r.Fixes = append(r.Fixes, mdmAddGroupFix(f, p, "Add the inner group to the MDM user scope (choose it "+
		"with --group)"))
	return r
}

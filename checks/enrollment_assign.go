package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// appliedConfig is the enrollment configuration of one kind that Intune applies to the user.
type appliedConfig struct {
	config facts.EnrollmentConfig
	// via says how it reaches the user: "group \"Kiosk\"", "all users" or "the default".
	via string
	// group is the display name of the group that carried the assignment, when a group did.
	group string
	found bool
	// considered explains, for evidence, each configuration of the kind and whether it applies.
	considered []string
}

// isDefaultConfig reports whether a configuration is the tenant's default of its kind: Intune gives the
// defaults priority 0 and applies them last, to every user no other configuration reaches.
func isDefaultConfig(c facts.EnrollmentConfig) bool { return c.Priority == 0 }

// applicableConfig finds the configuration of a kind that applies to the user: among those assigned to
// all users or to a group the user is a transitive member of (so nested groups count), the one with the
// lowest priority number wins; when none is assigned to the user, the default applies.
func applicableConfig(f *facts.Facts, ofKind func(facts.EnrollmentConfig) bool) appliedConfig {
	var cands []facts.EnrollmentConfig
	for _, c := range f.EnrollmentConfigs {
		if ofKind(c) {
			cands = append(cands, c)
		}
	}
	slices.SortStableFunc(cands, func(a, b facts.EnrollmentConfig) int {
		// The default sorts last whatever its number.
		if isDefaultConfig(a) != isDefaultConfig(b) {
			if isDefaultConfig(a) {
				return 1
			}
			return -1
		}
		return a.Priority - b.Priority
	})
	var out appliedConfig
	for _, c := range cands {
		label := fmt.Sprintf("%q (priority %d)", c.DisplayName, c.Priority)
		if out.found {
			out.considered = append(out.considered, label+": outranked")
			continue
		}
		via, group, ok := reachesUser(f, c)
		if !ok {
			out.considered = append(out.considered, label+": not assigned to the user or any of the user's groups")
			continue
		}
		out.config, out.via, out.group, out.found = c, via, group, true
		out.considered = append(out.considered, label+": applies, through "+via)
	}
	return out
}

// reachesUser says whether a configuration is assigned to the user, through what, and which group.
func reachesUser(f *facts.Facts, c facts.EnrollmentConfig) (via, group string, ok bool) {
	switch {
	case isDefaultConfig(c):
		return "being the default, which covers every user no other configuration reaches", "", true
	case c.AllUsers:
		return "its assignment to all users", "", true
	}
	for _, id := range c.AssignedGroups {
		for _, g := range f.MemberOf {
			if strings.EqualFold(g.ID, id) {
				return fmt.Sprintf("its assignment to group %q (the user is a member, directly or through a nested group)", g.DisplayName), g.DisplayName, true
			}
		}
	}
	return "", "", false
}

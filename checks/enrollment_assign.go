package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// How Intune picks the enrollment configuration of a kind for a user, as Microsoft documents it:
//   - "Users are subject only to the highest priority restriction assigned to a group that they are in"
//     (priority 1 outranks priority 2); the default (priority 0 in Graph) applies to every user no
//     other restriction reaches. https://learn.microsoft.com/en-us/mem/intune/enrollment/enrollment-restrictions-set#change-enrollment-restriction-priority
//   - An exclusion wins over an inclusion: a user in an excluded group is not reached.
//     https://learn.microsoft.com/en-us/mem/intune/configuration/device-profile-assign#exclude-groups-from-a-profile-assignment
//   - An assignment filter narrows an assignment to the devices it matches (include) or leaves out
//     (exclude); enrollment restrictions evaluate filters on OS version, operating system SKU and
//     enrollment profile name, which Graph does not tell us for a device that has not enrolled.
//     https://learn.microsoft.com/en-us/mem/intune/enrollment/create-device-platform-restrictions#apply-assignment-filters
//   - "In enrollment scenarios that are not user-driven (e.g. Windows Autopilot self-deploying mode or
//     white glove provisioning), only the Default priority restrictions (targeted to All Users) will be
//     enforced." (same enrollment-restrictions-set page, priority section)

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
	// filter, when set, is the assignment filter on every assignment that reaches the user: the
	// configuration applies only to the devices the filter lets through; next applies to the others.
	filter *facts.AssignmentFilter
	next   *appliedConfig
}

// isDefaultConfig reports whether a configuration is the tenant's default of its kind: Intune gives the
// defaults priority 0 and applies them last, to every user no other configuration reaches.
func isDefaultConfig(c facts.EnrollmentConfig) bool { return c.Priority == 0 }

// byPriority orders configurations the way Intune applies them: lowest priority number first, the
// default last whatever its number.
func byPriority(a, b facts.EnrollmentConfig) int {
	if isDefaultConfig(a) != isDefaultConfig(b) {
		if isDefaultConfig(a) {
			return 1
		}
		return -1
	}
	return a.Priority - b.Priority
}

// applicableConfig finds the configuration of a kind that applies to the user: among those assigned to
// all users or to a group the user is a transitive member of (so nested groups count) and not excluded,
// the one with the lowest priority number wins; when none is assigned to the user, the default applies.
// When the winner reaches the user only through filtered assignments, next says what the other devices get.
func applicableConfig(f *facts.Facts, ofKind func(facts.EnrollmentConfig) bool) appliedConfig {
	var cands []facts.EnrollmentConfig
	for _, c := range f.EnrollmentConfigs {
		if ofKind(c) {
			cands = append(cands, c)
		}
	}
	slices.SortStableFunc(cands, byPriority)
	return applicableAmong(f, cands)
}

// defaultConfig is what a non-user-driven enrollment gets: the default of the kind alone.
func defaultConfig(f *facts.Facts, ofKind func(facts.EnrollmentConfig) bool) appliedConfig {
	return applicableConfig(f, func(c facts.EnrollmentConfig) bool { return ofKind(c) && isDefaultConfig(c) })
}

func applicableAmong(f *facts.Facts, cands []facts.EnrollmentConfig) appliedConfig {
	var out appliedConfig
	for i, c := range cands {
		label := fmt.Sprintf("%q (priority %d)", c.DisplayName, c.Priority)
		if out.found {
			out.considered = append(out.considered, label+": outranked")
			continue
		}
		r := reachesUser(f, c)
		if !r.ok {
			out.considered = append(out.considered, label+": "+r.via)
			continue
		}
		out.config, out.via, out.group, out.found = c, r.via, r.group, true
		if r.filter == nil {
			out.considered = append(out.considered, label+": applies, through "+r.via)
			continue
		}
		out.filter = r.filter
		out.considered = append(out.considered, fmt.Sprintf("%s: applies through %s, but only to "+
			"devices that %s", label, r.via, filterWords(*r.filter)))
		next := applicableAmong(f, cands[i+1:])
		out.next = &next
		out.considered = append(out.considered, next.considered...)
		break
	}
	return out
}

// filterWords says which devices a filtered assignment reaches.
func filterWords(fl facts.AssignmentFilter) string {
	if strings.EqualFold(fl.Mode, "exclude") {
		return fmt.Sprintf("assignment filter %s (exclude mode) does not match", fl.FilterID)
	}
	return fmt.Sprintf("assignment filter %s (include mode) matches", fl.FilterID)
}

// reach is how a configuration reaches the user, or why it does not (in via, when ok is false).
type reach struct {
	via, group string
	ok         bool
	filter     *facts.AssignmentFilter
}

// reachesUser says whether a configuration is assigned to the user, through what, which group, and
// under which filter when every assignment that reaches the user is filtered.
func reachesUser(f *facts.Facts, c facts.EnrollmentConfig) reach {
	if isDefaultConfig(c) {
		return reach{via: "being the default, which covers every user no other configuration reaches", ok: true}
	}
	for _, id := range c.ExcludedGroups {
		if g, ok := memberGroup(f, id); ok {
			return reach{via: fmt.Sprintf("excluded: the user is in its excluded group %q", g.DisplayName)}
		}
	}
	var hits []reach
	if c.AllUsers {
		hits = append(hits, reach{via: "its assignment to all users", ok: true, filter: filterOn(c, "")})
	}
	for _, id := range c.AssignedGroups {
		if g, ok := memberGroup(f, id); ok {
			hits = append(hits, reach{via: fmt.Sprintf("its assignment to group %q (the user is a member, directly "+
				"or through a nested group)", g.DisplayName),
				group: g.DisplayName, ok: true, filter: filterOn(c, id)})
		}
	}
	if len(hits) == 0 {
		return reach{via: "not assigned to the user or any of the user's groups"}
	}
	for _, h := range hits {
		if h.filter == nil {
			return h
		}
	}
	return hits[0]
}

// filterOn returns the filter on the assignment to group id ("" for all users), if any.
func filterOn(c facts.EnrollmentConfig, groupID string) *facts.AssignmentFilter {
	for _, fl := range c.Filters {
		if strings.EqualFold(fl.GroupID, groupID) {
			return &fl
		}
	}
	return nil
}

// memberGroup returns the user's (transitive) group with this id.
func memberGroup(f *facts.Facts, id string) (facts.Group, bool) {
	for _, g := range f.MemberOf {
		if strings.EqualFold(g.ID, id) {
			return g, true
		}
	}
	return facts.Group{}, false
}

package checks

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// memberOfAny returns the first of groups that the user is a (transitive) member of.
func memberOfAny(f *facts.Facts, groups []facts.Group) (facts.Group, bool) {
	for _, g := range groups {
		if isMember(f, g.ID) {
			return g, true
		}
	}
	return facts.Group{}, false
}

// isMember reports whether the user is a transitive member of the group or role with this id.
func isMember(f *facts.Facts, id string) bool {
	for _, m := range f.MemberOf {
		if strings.EqualFold(m.ID, id) || (m.RoleTemplateID != "" && strings.EqualFold(m.RoleTemplateID, id)) {
			return true
		}
	}
	return false
}

// memberLabel names one of the user's groups or roles by id: its display name and id when the
// user's memberships hold it, the id alone otherwise.
func memberLabel(f *facts.Facts, id string) string {
	for _, m := range f.MemberOf {
		if m.DisplayName != "" && (strings.EqualFold(m.ID, id) || (m.RoleTemplateID != "" && strings.EqualFold(m.RoleTemplateID, id))) {
			return fmt.Sprintf("%q (%s)", m.DisplayName, id)
		}
	}
	return id
}

// groupNames lists display names for evidence and summaries.
func groupNames(groups []facts.Group) string {
	if len(groups) == 0 {
		return "(none)"
	}
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = "\"" + g.DisplayName + "\""
	}
	return strings.Join(names, ", ")
}

// userID is the user's object id when known, else the UPN, for planned request URLs.

package graph

import (
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// wireRestriction is a deviceEnrollmentPlatformRestriction: the windowsRestriction of the
// all-platforms kind, or the platformRestriction of the single-platform kind (beta).
type wireRestriction struct {
	PlatformBlocked                 bool     `json:"platformBlocked"`
	PersonalDeviceEnrollmentBlocked bool     `json:"personalDeviceEnrollmentBlocked"`
	OSMinimumVersion                string   `json:"osMinimumVersion"`
	OSMaximumVersion                string   `json:"osMaximumVersion"`
	BlockedSkus                     []string `json:"blockedSkus"`
}

// wireEnrollmentConfig is a deviceEnrollmentConfiguration of any kind, as the beta collection serves
// them (v1.0 does not serve the single-platform restrictions today's admin center creates).
type wireEnrollmentConfig struct {
	Type                string           `json:"@odata.type"`
	ID                  string           `json:"id"`
	DisplayName         string           `json:"displayName"`
	Priority            int              `json:"priority"`
	Limit               int              `json:"limit"`
	RoleScopeTagIDs     []string         `json:"roleScopeTagIds"`
	PlatformType        string           `json:"platformType"`
	WindowsRestriction  *wireRestriction `json:"windowsRestriction"`
	PlatformRestriction *wireRestriction `json:"platformRestriction"`
	Assignments         []struct {
		Target struct {
			Type       string `json:"@odata.type"`
			GroupID    string `json:"groupId"`
			FilterID   string `json:"deviceAndAppManagementAssignmentFilterId"`
			FilterType string `json:"deviceAndAppManagementAssignmentFilterType"`
		} `json:"target"`
	} `json:"assignments"`
}

func (w *wireRestriction) fact() *facts.PlatformRestriction {
	return &facts.PlatformRestriction{PlatformBlocked: w.PlatformBlocked, PersonalDeviceEnrollmentBlocked: w.PersonalDeviceEnrollmentBlocked,
		OSMinimumVersion: w.OSMinimumVersion, OSMaximumVersion: w.OSMaximumVersion, BlockedSkus: w.BlockedSkus}
}

// toEnrollmentConfig keeps a configuration with its assignments. The kind is told by @odata.type,
// not by deviceEnrollmentConfigurationType (Microsoft's own sample labels a restriction "limit").
// The default configuration (priority 0) applies to every user whatever its assignments list.
func toEnrollmentConfig(w wireEnrollmentConfig) facts.EnrollmentConfig {
	typ := odataKind(w.Type)
	c := facts.EnrollmentConfig{ID: w.ID, DisplayName: w.DisplayName, Type: typ, Priority: w.Priority, Limit: w.Limit,
		AllUsers: w.Priority == 0, RoleScopeTagIDs: w.RoleScopeTagIDs}
	switch {
	case strings.EqualFold(typ, "deviceEnrollmentPlatformRestrictionConfiguration"):
		c.Platform = w.PlatformType
		if w.PlatformRestriction != nil && strings.EqualFold(w.PlatformType, "windows") {
			c.Windows = w.PlatformRestriction.fact()
		}
	case w.WindowsRestriction != nil:
		c.Windows = w.WindowsRestriction.fact()
	}
	for _, a := range w.Assignments {
		t := a.Target
		switch odataKind(t.Type) {
		case "groupAssignmentTarget":
			c.AssignedGroups = append(c.AssignedGroups, t.GroupID)
		case "exclusionGroupAssignmentTarget":
			c.ExcludedGroups = append(c.ExcludedGroups, t.GroupID)
			continue
		case "allLicensedUsersAssignmentTarget", "allDevicesAssignmentTarget":
			c.AllUsers = true
		default:
			continue
		}
		if t.FilterID != "" && !strings.EqualFold(t.FilterType, "none") {
			c.Filters = append(c.Filters, facts.AssignmentFilter{GroupID: t.GroupID, FilterID: t.FilterID, Mode: t.FilterType})
		}
	}
	return c
}

// decodeEnrollmentConfigs keeps every configuration of the beta collection.
func decodeEnrollmentConfigs(j *job) facts.Delta {
	ws, err := values[wireEnrollmentConfig](j.fetches[0])
	if err != nil {
		return bad(err)
	}
	out := make([]facts.EnrollmentConfig, len(ws))
	for i, w := range ws {
		out[i] = toEnrollmentConfig(w)
	}
	return facts.Delta{Apply: func(f *facts.Facts) { f.EnrollmentConfigs = out }}
}

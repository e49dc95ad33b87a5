package facts

// EnrollmentConfig is an Intune device enrollment configuration with its assignments: a platform
// restriction (the all-platforms kind or a single-platform one), a device limit, or another kind.
type EnrollmentConfig struct {
	ID          string
	DisplayName string
	// Type is the @odata.type without the namespace, e.g. deviceEnrollmentPlatformRestrictionConfiguration.
	Type     string
	Priority int
	// Limit is set for deviceEnrollmentLimitConfiguration.
	Limit int
	// Platform is the platformType of a single-platform restriction (windows, ios, android, mac, ...);
	// empty for the all-platforms kind, whose Windows settings are in Windows.
	Platform string
	// Windows is set for platform restrictions that carry Windows settings.
	Windows *PlatformRestriction
	// AssignedGroups are the group ids of its include assignments; AllUsers when assigned to all users
	// (or all devices).
	AssignedGroups []string
	AllUsers       bool
	// ExcludedGroups are the group ids of its exclusion assignments: their members are not reached.
	ExcludedGroups []string
	// Filters are the assignment filters on its include assignments.
	Filters []AssignmentFilter
	// RoleScopeTagIDs are its scope tags: an Intune role limited to other tags does not see it.
	RoleScopeTagIDs []string
}

// AssignmentFilter is an Intune assignment filter on one include assignment of a configuration.
type AssignmentFilter struct {
	// GroupID is the assignment's group; empty for an all-users or all-devices assignment.
	GroupID string
	// FilterID is deviceAndAppManagementAssignmentFilterId.
	FilterID string
	// Mode is deviceAndAppManagementAssignmentFilterType: include (only matching devices) or exclude.
	Mode string
}

// PlatformRestriction is the Windows part of a platform restriction.
type PlatformRestriction struct {
	PlatformBlocked                 bool
	PersonalDeviceEnrollmentBlocked bool
	OSMinimumVersion                string
	OSMaximumVersion                string
	// BlockedSkus are operating system SKUs the single-platform kind blocks (beta blockedSkus).
	BlockedSkus []string
}

// ScopeNesting is how the user reaches the groups the MDM user scope includes: the groups the user is a
// direct member of, and for each included group (by lower-cased id) the groups nested inside it.
type ScopeNesting struct {
	Direct []string
	Nested map[string][]Group
}

package checks

import (
	"slices"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Step is a stage of the seed procedure for automatic enrollment; the TUI walks checks in this order.
type Step int

// Steps of the seed procedure, in order.
const (
	StepRequirements Step = iota
	StepScope
	StepURLs
	StepMAM
	StepMFA
	StepDevices
	StepDNS
	StepDevice
)

var stepNames = [...]string{"Requirements", "MDM user scope", "MDM URLs", "WIP/MAM scope", "MFA for device " +
	"registration", "Devices and enrollment", "DNS", "The device's own view"}

func (s Step) String() string {
	if int(s) >= 0 && int(s) < len(stepNames) {
		return stepNames[s]
	}
	return "Other"
}

// Check is one entry of the catalog: what it asks, what it needs, and how it judges.
type Check struct {
	// ID is a public contract (JSON report, --only, docs): never renamed.
	ID    string
	Title string
	// Question is the check as the operator would ask it, for the step-through screens.
	Question string
	Step     Step
	Docs     string
	// Source is the URL of the Microsoft documentation the rule follows, when it is not Docs itself
	// (RuleSource gives the one to show).
	Source string
	// Modes are the kinds of run that include the check.
	Modes []facts.TargetKind
	// Needs are the sources the check cannot judge without. When one failed, the check ends in error;
	// when one was skipped, the check is skipped.
	Needs []facts.Source
	// Judge turns facts into one or more results. It must not perform I/O. The engine fills ID, Title,
	// Docs and a default Subject on each result.
	Judge func(*facts.Facts) []Result
}

// RuleSource is the URL of the documentation the check's rule follows: Source, or Docs.
func (c Check) RuleSource() string {
	if c.Source != "" {
		return c.Source
	}
	return c.Docs
}

// In reports whether the check belongs in a run of the given kind.
func (c Check) In(kind facts.TargetKind) bool { return slices.Contains(c.Modes, kind) }

var (
	userAndTenant = []facts.TargetKind{facts.TargetUser, facts.TargetTenant}
	allModes      = []facts.TargetKind{facts.TargetUser, facts.TargetTenant, facts.TargetDNS}
	userOnly      = []facts.TargetKind{facts.TargetUser}
)

// Catalog returns every check in seed-procedure order. A new slice each call: callers may filter it.
func Catalog() []Check {
	return []Check{
		permissionsCheck(),
		upnDomainCheck(),
		entraPremiumCheck(),
		intuneLicenseCheck(),
		mdmAuthorityCheck(),
		mdmScopeCheck(),
		urlsCheck(),
		mamConflictCheck(),
		mfaRegistrationCheck(),
		caEnrollmentCheck(),
		devicesDuplicatesCheck(),
		devicesLimitsCheck(),
		restrictionsCheck(),
		failuresCheck(),
		signInsCheck(),
		deviceJoinStateCheck(),
		deviceTenantCheck(),
		deviceRecordCheck(),
		deviceMDMURLsCheck(),
		devicePRTCheck(),
		deviceAuthStatusCheck(),
		dnsEnrollmentCheck(),
		dnsRegistrationCheck(),
	}
}

// Lookup finds a catalog check by ID.
func Lookup(id string) (Check, bool) {
	for _, c := range Catalog() {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// IDs returns every catalog ID, in catalog order.
func IDs() []string {
	cat := Catalog()
	ids := make([]string, len(cat))
	for i, c := range cat {
		ids[i] = c.ID
	}
	return ids
}

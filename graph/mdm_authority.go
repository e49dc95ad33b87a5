package graph

import (
	"fmt"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// wireMDMAuthority is the organization as Intune documents it: its id and mobile device management
// authority (https://learn.microsoft.com/en-us/graph/api/resources/intune-onboarding-organization).
type wireMDMAuthority struct {
	ID                              string `json:"id"`
	MobileDeviceManagementAuthority string `json:"mobileDeviceManagementAuthority"`
}

// decodeMDMAuthority reads the tenant's MDM authority from the /organization collection, which holds
// this tenant alone. An organization without the property leaves the authority empty: the check says
// it could not be read rather than guessing.
func decodeMDMAuthority(j *job) facts.Delta {
	orgs, err := values[wireMDMAuthority](j.fetches[0])
	if err != nil {
		return bad(err)
	}
	if len(orgs) == 0 {
		return bad(fmt.Errorf("read %s: the answer holds no organization", j.fetches[0].path))
	}
	a := orgs[0].MobileDeviceManagementAuthority
	return facts.Delta{Apply: func(f *facts.Facts) { f.MDMAuthority = a }}
}

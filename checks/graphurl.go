package checks

import (
	"strings"

	"github.com/mdmdoctor/mdmdoctor/clouds"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// graphRoot is the Microsoft Graph root of the cloud, for the planned fix requests.
func graphRoot(cloud string) string { return clouds.Get(cloud).GraphRoot }

// requestOf names the Graph request a source was read with, for evidence. Readers record it on the
// source; fallback (a request template such as "GET /v1.0/users/{upn}/managedDevices") stands in when
// they did not, with {upn} replaced by the target user.
func requestOf(f *facts.Facts, src facts.Source, fallback string) string {
	if ep := f.Status(src).Endpoint; ep != "" {
		return ep
	}
	if f.Target.User != "" {
		return strings.ReplaceAll(fallback, "{upn}", f.Target.User)
	}
	return fallback
}

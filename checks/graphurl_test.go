package checks

import (
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func TestGraphRootPerCloud(t *testing.T) {
	for cloud, want := range map[string]string{
		"public":   "https://graph.microsoft.com",
		"":         "https://graph.microsoft.com",
		"usgov":    "https://graph.microsoft.us",
		"usgovdod": "https://dod-graph.microsoft.us",
		"china":    "https://microsoftgraph.chinacloudapi.cn",
	} {
		if got := DeleteDevice(graphRoot(cloud), "x").URL(); got != want+"/v1.0/devices/x" {
			t.Errorf("%q: %s, want %s/v1.0/devices/x", cloud, got, want)
		}
	}
}

func TestRequestOfPrefersTheReadersEndpoint(t *testing.T) {
	f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: "alice@contoso.com"}, devNow)
	if got := requestOf(f, facts.SrcManagedDevices, "GET /v1.0/users/{upn}/managedDevices"); got != "GET /v1.0/users/alice@contoso.com/managedDevices" {
		t.Errorf("fallback: %s", got)
	}
	f.Apply(facts.Delta{Source: facts.SrcManagedDevices, Endpoint: "GET /v1.0/users/u-1/managedDevices", Apply: func(*facts.Facts) {}})
	if got := requestOf(f, facts.SrcManagedDevices, "GET /v1.0/users/{upn}/managedDevices"); got != "GET /v1.0/users/u-1/managedDevices" {
		t.Errorf("recorded endpoint: %s", got)
	}
}

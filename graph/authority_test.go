package graph

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/mdmdoctor/mdmdoctor/clouds"
)

// The table's sign-in hosts are the ones azidentity's own cloud configurations carry.
func TestAuthorityMatchesAzidentity(t *testing.T) {
	want := map[string]cloud.Configuration{
		clouds.Public: cloud.AzurePublic, clouds.USGov: cloud.AzureGovernment,
		clouds.USGovDoD: cloud.AzureGovernment, clouds.China: cloud.AzureChina,
	}
	for _, name := range clouds.Names() {
		got, err := Cloud(name).authority()
		if err != nil || got.ActiveDirectoryAuthorityHost != want[name].ActiveDirectoryAuthorityHost {
			t.Errorf("%s: %q, %v; want %q", name, got.ActiveDirectoryAuthorityHost, err, want[name].ActiveDirectoryAuthorityHost)
		}
	}
	if _, err := Cloud("mars").authority(); err == nil {
		t.Error("an unknown cloud has an authority")
	}
}

package graph_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	abstractions "github.com/microsoft/kiota-abstractions-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	azauth "github.com/microsoftgraph/msgraph-sdk-go-core/authentication"

	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

type fixedToken string

func (t fixedToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(t), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// TestGraphtestTakesSDKReferenceWrites drives graphtest with the reference writes the fixes send, as
// the SDK's generated request builders send them (their URL templates, verbatim from msgraph-sdk-go's
// groups package), through the SDK's default pipeline, request compression included (gzip bodies).
func TestGraphtestTakesSDKReferenceWrites(t *testing.T) {
	srv, _ := demo(t, "contoso")
	u, _ := url.Parse(srv.URL())
	auth, err := azauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(fixedToken(srv.Token()), []string{"https://graph.microsoft.com/.default"}, []string{u.Hostname()})
	if err != nil {
		t.Fatal(err)
	}
	opts := msgraphcore.GraphClientOptions{}
	adapter, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(auth, opts, nil, nil, msgraphcore.GetDefaultClient(&opts))
	if err != nil {
		t.Fatal(err)
	}
	adapter.SetBaseUrl(srv.URL() + "/v1.0")
	send := func(method abstractions.HttpMethod, template string, params map[string]string, query map[string]any, body string) error {
		ri := abstractions.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(method, template, params)
		for k, v := range query {
			ri.QueryParametersAny[k] = v
		}
		ri.Headers.Add("Accept", "application/json")
		if body != "" {
			ri.SetStreamContentAndContentType([]byte(body), "application/json")
		}
		return adapter.SendNoContent(context.Background(), ri, nil)
	}
	const (
		refTemplate     = "{+baseurl}/groups/{group%2Did}/members/$ref?@id={%40id}{&%24count,%24filter,%24orderby,%24search,%24skip,%24top}"
		itemRefTemplate = "{+baseurl}/groups/{group%2Did}/members/{directoryObject%2Did}/$ref"
	)
	var kiosk, bob string
	srv.Update(func(tn *graphtest.Tenant) {
		for _, g := range tn.Groups {
			if g["displayName"] == "Kiosk" {
				kiosk = g.ID()
			}
		}
		for _, u := range tn.Users {
			if u["userPrincipalName"] == "bob@contoso.com" {
				bob = u.ID()
			}
		}
	})
	members := func() []string {
		var ids []string
		srv.Update(func(tn *graphtest.Tenant) {
			for _, g := range tn.Groups {
				if g.ID() == kiosk {
					for _, m := range g["members"].([]any) {
						ids = append(ids, m.(string))
					}
				}
			}
		})
		return ids
	}
	ref := `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/` + bob + `"}`
	group := map[string]string{"group%2Did": kiosk}
	if err := send(abstractions.POST, refTemplate, group, nil, ref); err != nil {
		t.Fatalf("add member: %v", err)
	}
	if !slices.Contains(members(), bob) {
		t.Fatalf("bob not added: %v", members())
	}
	if err := send(abstractions.POST, refTemplate, group, nil, ref); err == nil {
		t.Error("adding a member twice was accepted")
	}
	if err := send(abstractions.DELETE, refTemplate, group, map[string]any{"%40id": "https://graph.microsoft.com/v1.0/directoryObjects/" + bob}, ""); err != nil {
		t.Fatalf("remove member with $ref?@id=: %v", err)
	}
	if slices.Contains(members(), bob) {
		t.Fatalf("bob not removed: %v", members())
	}
	if err := send(abstractions.POST, refTemplate, group, nil, ref); err != nil {
		t.Fatal(err)
	}
	if err := send(abstractions.DELETE, itemRefTemplate, map[string]string{"group%2Did": kiosk, "directoryObject%2Did": bob}, nil, ""); err != nil {
		t.Fatalf("remove member with members/{id}/$ref: %v", err)
	}
	if slices.Contains(members(), bob) {
		t.Fatalf("bob not removed: %v", members())
	}
	for _, r := range srv.Requests() {
		if r.Method == "POST" && (!r.Gzip || len(r.Body) == 0) {
			t.Errorf("POST %s: gzip %t, %d bytes; the SDK's default pipeline compresses bodies", r.Path, r.Gzip, len(r.Body))
		}
	}
}

package graph_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

type fixedToken string

func (t fixedToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(t), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// TestGraphtestTakesSDKReferenceWrites drives graphtest with the SDK's own typed request builders,
// default pipeline included (gzip bodies), for the reference writes the fixes will send.
func TestGraphtestTakesSDKReferenceWrites(t *testing.T) {
	srv, _ := demo(t, "contoso")
	u, _ := url.Parse(srv.URL())
	sdk, err := msgraphsdk.NewGraphServiceClientWithCredentialsAndHosts(fixedToken(srv.Token()), []string{"https://graph.microsoft.com/.default"}, []string{u.Hostname()})
	if err != nil {
		t.Fatal(err)
	}
	sdk.GetAdapter().SetBaseUrl(srv.URL() + "/v1.0")
	ctx := context.Background()
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
	ref := models.NewReferenceCreate()
	ref.SetOdataId(ptr("https://graph.microsoft.com/v1.0/directoryObjects/" + bob))
	if err := sdk.Groups().ByGroupId(kiosk).Members().Ref().Post(ctx, ref, nil); err != nil {
		t.Fatalf("add member: %v", err)
	}
	if !slices.Contains(members(), bob) {
		t.Fatalf("bob not added: %v", members())
	}
	if err := sdk.Groups().ByGroupId(kiosk).Members().Ref().Post(ctx, ref, nil); err == nil {
		t.Error("adding a member twice was accepted")
	}
	if err := sdk.Groups().ByGroupId(kiosk).Members().Ref().Delete(ctx, &groups.ItemMembersRefRequestBuilderDeleteRequestConfiguration{
		QueryParameters: &groups.ItemMembersRefRequestBuilderDeleteQueryParameters{Id: ptr("https://graph.microsoft.com/v1.0/directoryObjects/" + bob)},
	}); err != nil {
		t.Fatalf("remove member with $ref?@id=: %v", err)
	}
	if slices.Contains(members(), bob) {
		t.Fatalf("bob not removed: %v", members())
	}
	if err := sdk.Groups().ByGroupId(kiosk).Members().Ref().Post(ctx, ref, nil); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Groups().ByGroupId(kiosk).Members().ByDirectoryObjectId(bob).Ref().Delete(ctx, nil); err != nil {
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

func ptr[T any](v T) *T { return &v }

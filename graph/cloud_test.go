package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/clouds"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

func TestCloudRoots(t *testing.T) {
	// https://learn.microsoft.com/graph/deployments
	want := map[string]string{
		clouds.Public:   "https://graph.microsoft.com",
		clouds.USGov:    "https://graph.microsoft.us",
		clouds.USGovDoD: "https://dod-graph.microsoft.us",
		clouds.China:    "https://microsoftgraph.chinacloudapi.cn",
	}
	for _, c := range clouds.Names() {
		got, err := graph.Cloud(c).GraphRoot()
		if err != nil || got != want[c] {
			t.Errorf("%s: %q, %v; want %q", c, got, err, want[c])
		}
	}
	if _, err := graph.Cloud("mars").GraphRoot(); err == nil {
		t.Error("an unknown cloud has a Graph root")
	}
}

func TestParseGraphURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://graph.microsoft.us/":      "https://graph.microsoft.us",
		"http://127.0.0.1:8080":            "http://127.0.0.1:8080",
		"http://[::1]:9000":                "http://[::1]:9000",
		"http://localhost:9000":            "http://localhost:9000",
		"https://proxy.example.com/graph/": "https://proxy.example.com/graph",
	} {
		if got, err := graph.ParseGraphURL(raw); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", raw, got, err, want)
		}
	}
	for raw, why := range map[string]string{
		"http://graph.example.com":          "plain http",
		"https://graph.microsoft.com/v1.0":  "version",
		"https://graph.microsoft.com/beta/": "version",
		"graph.microsoft.com":               "absolute",
		"ftp://graph.microsoft.com":         "absolute",
	} {
		if _, err := graph.ParseGraphURL(raw); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: %v, want an error about %s", raw, err, why)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]graph.Config{
		"unknown auth":          {Auth: "magic"},
		"token without token":   {Auth: graph.AuthToken},
		"secret without tenant": {Auth: graph.AuthClientSecret, ClientID: "c"},
		"certificate no file":   {Auth: graph.AuthCertificate, ClientID: "c", TenantID: "t"},
		"http off loopback":     {Auth: graph.AuthToken, AccessToken: "x", GraphURL: "http://10.0.0.1"},
		"unknown cloud":         {Auth: graph.AuthToken, AccessToken: "x", Cloud: "mars"},
	} {
		if _, err := graph.New(context.Background(), cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err := graph.New(context.Background(), graph.Config{Auth: graph.AuthClientSecret, ClientID: "c", TenantID: "t"})
	if err == nil || !strings.Contains(err.Error(), "AZURE_CLIENT_SECRET") {
		t.Errorf("client secret sign-in without the variable: %v", err)
	}
}

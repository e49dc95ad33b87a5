package graph

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/mdmdoctor/mdmdoctor/clouds"
)

// Cloud names a Microsoft cloud (a name of package clouds): it picks the sign-in authority and the
// Graph root.
type Cloud string

// GraphRoot is the cloud's Graph root, without a version.
func (c Cloud) GraphRoot() (string, error) {
	cl, ok := clouds.Lookup(string(c))
	if !ok {
		return "", clouds.Unknown(string(c))
	}
	return cl.GraphRoot, nil
}

// authority is the cloud's sign-in configuration for azidentity: its Entra ID authority host.
func (c Cloud) authority() (cloud.Configuration, error) {
	cl, ok := clouds.Lookup(string(c))
	if !ok {
		return cloud.Configuration{}, clouds.Unknown(string(c))
	}
	return cloud.Configuration{ActiveDirectoryAuthorityHost: cl.AuthorityHost()}, nil
}

// ParseGraphURL checks a --graph-url value: an absolute root without a version, https, or plain
// http on a loopback host (a local proxy or the fake Graph). It returns the root without a
// trailing slash.
func ParseGraphURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("--graph-url %q is not an absolute http(s) URL: give a root such as "+
			"https://graph.microsoft.com", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("--graph-url %q carries a query or fragment: give the root alone", raw)
	}
	last := u.Path[strings.LastIndex(u.Path, "/")+1:]
	if last == "v1.0" || last == "beta" {
		return "", fmt.Errorf("--graph-url %q ends in a version: give the root without /v1.0 or /beta, "+
			"mdmdoctor adds them", raw)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("--graph-url %q uses plain http on a non-loopback host: use https (plain http "+
			"is accepted only for 127.0.0.1, ::1 and localhost)", raw)
	}
	return u.String(), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

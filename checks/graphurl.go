package checks

// graphRoot is the Microsoft Graph root of a national cloud, for the URLs of planned fix requests.
func graphRoot(cloud string) string {
	switch cloud {
	case "usgov":
		return "https://graph.microsoft.us"
	case "usgovdod":
		return "https://dod-graph.microsoft.us"
	case "china":
		return "https://microsoftgraph.chinacloudapi.cn"
	}
	return "https://graph.microsoft.com"
}

// graphURL joins the cloud's Graph root with a versioned path such as "/v1.0/devices/{id}".
func graphURL(cloud, path string) string { return graphRoot(cloud) + path }

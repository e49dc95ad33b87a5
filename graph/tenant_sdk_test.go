package graph

import (
	"context"

	"github.com/microsoftgraph/msgraph-sdk-go/devices"
)

// ReadDevicesWithSDK pages every Entra device through the SDK's request builders and models, with the
// sweep's $select, and counts them: the yardstick BenchmarkSweepSDKModels holds the sweep's own
// decoder to.
func ReadDevicesWithSDK(ctx context.Context, c *Client) (int, error) {
	top := int32(999)
	resp, err := c.sdk.Devices().Get(ctx, &devices.DevicesRequestBuilderGetRequestConfiguration{
		QueryParameters: &devices.DevicesRequestBuilderGetQueryParameters{Select: []string{
			"id", "deviceId", "displayName", "operatingSystem", "operatingSystemVersion", "trustType", "isManaged", "isCompliant",
			"accountEnabled", "mdmAppId", "approximateLastSignInDateTime", "registrationDateTime", "physicalIds"}, Top: &top},
	})
	n := 0
	for {
		if err != nil {
			return n, err
		}
		n += len(resp.GetValue())
		next := resp.GetOdataNextLink()
		if next == nil || *next == "" {
			return n, nil
		}
		resp, err = c.sdk.Devices().WithUrl(*next).Get(ctx, nil)
	}
}

package graphtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// The device secrets Entra keeps with a device record, served as Graph documents them: BitLocker
// recovery keys (GET /informationProtection/bitlocker/recoveryKeys, filterable by deviceId, never
// with the key itself in a list) and Windows LAPS credential info (GET
// /directory/deviceLocalCredentials/{deviceId}: without $select=credentials no password is sent;
// the body is wrapped in "value" as Microsoft's published sample shows). Deleting the device
// deletes both, as Entra does.

// recoveryKeys serves GET /informationProtection/bitlocker/recoveryKeys.
func (c *call) recoveryKeys(rest []string) response {
	if len(rest) != 2 || rest[0] != "bitlocker" || rest[1] != "recoveryKeys" {
		return c.noSegment(strings.Join(rest, "/"))
	}
	if strings.Contains(c.query.Get("$select"), "key") {
		return errorResponse(http.StatusBadRequest, "BadRequest",
			"The key property is returned only when one recovery key is read by id.")
	}
	var keys []Object
	for _, k := range c.t.BitlockerRecoveryKeys {
		meta := Object{}
		for p, v := range k {
			if p != "key" {
				meta[p] = v
			}
		}
		keys = append(keys, meta)
	}
	return c.list("bitlockerRecoveryKey", keys, nil)
}

// directory serves GET /directory/deviceLocalCredentials/{deviceId}.
func (c *call) directory(rest []string) response {
	if len(rest) != 2 || rest[0] != "deviceLocalCredentials" {
		return c.noSegment(strings.Join(rest, "/"))
	}
	i := slices.IndexFunc(c.t.DeviceLocalCredentials, func(o Object) bool { return strings.EqualFold(o.ID(), rest[1]) })
	if i < 0 {
		return errNotFound(rest[1])
	}
	info := Object{"@odata.type": "#microsoft.graph.deviceLocalCredentialInfo"}
	withPasswords := strings.Contains(c.query.Get("$select"), "credentials")
	for p, v := range c.t.DeviceLocalCredentials[i] {
		if p != "credentials" || withPasswords {
			info[p] = v
		}
	}
	return jsonResponse(http.StatusOK, map[string]any{"value": info})
}

// patchDevice serves PATCH /devices/{id}: accountEnabled only, the one property a fix changes.
func (c *call) patchDevice() response {
	id := c.segs[1]
	i := slices.IndexFunc(c.t.Devices, func(o Object) bool { return strings.EqualFold(o.ID(), id) })
	if i < 0 {
		return errNotFound(id)
	}
	body, errResp := decodeObject(c.body)
	if errResp != nil {
		return *errResp
	}
	for k, v := range body {
		if k != "accountEnabled" {
			return errorResponse(http.StatusBadRequest, "Request_BadRequest",
				"mdmdoctor's fake Graph changes only accountEnabled on a device, not "+k+".")
		}
		var on bool
		if json.Unmarshal(v, &on) != nil {
			return errorResponse(http.StatusBadRequest, "Request_BadRequest", "accountEnabled must be true or false.")
		}
		c.t.Devices[i]["accountEnabled"] = on
	}
	return noContent()
}

// dropDeviceSecrets deletes the recovery keys and LAPS credential of a deleted device.
func (c *call) dropDeviceSecrets(deviceID string) {
	if deviceID == "" {
		return
	}
	c.t.BitlockerRecoveryKeys = slices.DeleteFunc(c.t.BitlockerRecoveryKeys, func(o Object) bool {
		d, _ := o["deviceId"].(string)
		return strings.EqualFold(d, deviceID)
	})
	c.t.DeviceLocalCredentials = slices.DeleteFunc(c.t.DeviceLocalCredentials, func(o Object) bool { return strings.EqualFold(o.ID(), deviceID) })
}

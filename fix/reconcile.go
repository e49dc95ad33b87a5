package fix

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// changedDevice is a device record a fix just deleted or disabled.
type changedDevice struct {
	deviceID, name, done string
}

// changedDevices lists the device records the applied steps deleted or disabled.
func changedDevices(steps []StepResult) []changedDevice {
	var out []changedDevice
	for _, s := range steps {
		if s.Outcome != Applied && s.Outcome != AlreadyApplied {
			continue
		}
		op := s.Request.Op
		if op != checks.OpDeleteDevice && op != checks.OpPatchDevice {
			continue
		}
		dev := s.before
		if ds, ok := secretsAt(s.before); ok {
			dev = ds.Device
		}
		var d struct {
			DeviceID    string `json:"deviceId"`
			DisplayName string `json:"displayName"`
		}
		_ = json.Unmarshal(dev, &d)
		if d.DeviceID == "" {
			continue
		}
		done := "deleted"
		if op == checks.OpPatchDevice {
			done = "disabled"
		}
		out = append(out, changedDevice{deviceID: d.DeviceID, name: d.DisplayName, done: done})
	}
	return out
}

// reconcile rewords the re-checked device.* results that judge a pasted dsregcmd against a record
// the fix just deleted or disabled: the paste predates the fix, and its advice (reconnect,
// re-register, delete the record) would undo the fix or repeat it. Advice never undoes what a fix
// just did.
func reconcile(results []checks.Result, fixID string, changed []changedDevice) []checks.Result {
	for i, r := range results {
		if !strings.HasPrefix(r.ID, "device.") || r.Status == checks.Pass || r.Status == checks.Skip {
			continue
		}
		for _, c := range changed {
			if !mentions(r, c.deviceID) {
				continue
			}
			r.Status = checks.Warn
			r.Summary = fmt.Sprintf("The Entra record of DeviceId %s was just %s by %s; the pasted dsregcmd output "+
				"was taken before that.", c.deviceID, c.done, fixID)
			r.Explanation = "The device's own view still names the record, because the paste is older than the fix. " +
				"That is expected, not a new problem."
			if c.done == "deleted" {
				r.Remediation = "Do not reconnect or re-register the device to bring the record back: removing it " +
					"was the point of the fix. " +
					"On the device, if Settings > Accounts > Access work or school still lists the work account this " +
					"record belonged to, Disconnect it without connecting again; " +
					"then run dsregcmd /status again and re-check with the new output."
			} else {
				r.Remediation = "Leave the record disabled unless the device turns out to be in use (then undo the " +
					"fix). Run dsregcmd /status on the device again and re-check with the new output."
			}
			r.Fixes = nil
			results[i] = r
			break
		}
	}
	return results
}

// mentions reports whether a result speaks of a device id.
func mentions(r checks.Result, id string) bool {
	id = strings.ToLower(id)
	if strings.Contains(strings.ToLower(r.Summary+" "+r.Explanation), id) {
		return true
	}
	for _, e := range r.Evidence {
		if strings.Contains(strings.ToLower(e.Detail), id) {
			return true
		}
	}
	return false
}

package fix

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// Deleting an Entra device record deletes the BitLocker recovery keys escrowed to it and its Windows
// LAPS password ("Manage stale devices in Microsoft Entra ID",
// https://learn.microsoft.com/en-us/entra/identity/devices/manage-stale-devices, and the Graph
// reference for bitlockerRecoveryKey and deviceLocalCredentialInfo). Before a delete, mdmdoctor
// reads whether either exists, never the secrets themselves: the recovery keys' metadata (a list
// never carries the key; BitlockerKey.ReadBasic.All) and the LAPS credential info without
// $select=credentials (no password; DeviceLocalCredential.ReadBasic.All).

// deviceSecrets is the state journaled before a device record is deleted.
type deviceSecrets struct {
	// Device is the record as read; null when it no longer exists.
	Device json.RawMessage `json:"device"`
	// RecoveryKeys are the BitLocker recovery keys' metadata (id, createdDateTime, volumeType).
	RecoveryKeys      []json.RawMessage `json:"bitlockerRecoveryKeys"`
	RecoveryKeysError string            `json:"bitlockerRecoveryKeysError,omitempty"`
	// LocalCredential is the LAPS credential info (no password); null when LAPS holds none.
	LocalCredential      json.RawMessage `json:"localCredential"`
	LocalCredentialError string          `json:"localCredentialError,omitempty"`
}

// deviceState reads a device record and what deleting it would delete with it. A secret that
// cannot be read is recorded as unknown, not as absent.
func deviceState(ctx context.Context, r Reader, s step) (json.RawMessage, error) {
	dev, err := get(ctx, r, s.urlOf("/v1.0/devices/"+url.PathEscape(s.req.ID)+"?$select=id,deviceId,displayName,trustType,accountEnabled,approximateLastSignInDateTime"))
	if err != nil {
		return nil, err
	}
	out := deviceSecrets{Device: dev, RecoveryKeys: []json.RawMessage{}}
	if dev == nil {
		out.Device = json.RawMessage("null")
		return json.Marshal(out)
	}
	var d struct {
		DeviceID string `json:"deviceId"`
	}
	_ = json.Unmarshal(dev, &d)
	if d.DeviceID == "" {
		out.RecoveryKeysError = "the record has no deviceId"
		out.LocalCredentialError = out.RecoveryKeysError
		return json.Marshal(out)
	}
	filter := url.PathEscape("deviceId eq '" + strings.ReplaceAll(d.DeviceID, "'", "''") + "'")
	keys, err := list(ctx, r, s.urlOf("/v1.0/informationProtection/bitlocker/recoveryKeys?$filter="+filter))
	if err != nil {
		out.RecoveryKeysError = err.Error()
	} else {
		out.RecoveryKeys = keys
	}
	laps, err := get(ctx, r, s.urlOf("/v1.0/directory/deviceLocalCredentials/"+url.PathEscape(d.DeviceID)))
	switch {
	case err != nil:
		out.LocalCredentialError = err.Error()
	case laps != nil:
		out.LocalCredential = credentialInfo(laps)
	}
	return json.Marshal(out)
}

// credentialInfo unwraps the LAPS credential info (Microsoft's sample wraps it in "value") and keeps
// no password, should one ever be sent.
func credentialInfo(raw json.RawMessage) json.RawMessage {
	var o map[string]json.RawMessage
	if json.Unmarshal(raw, &o) != nil {
		return raw
	}
	if v, ok := o["value"]; ok && len(v) > 0 && v[0] == '{' {
		o = nil
		_ = json.Unmarshal(v, &o)
	}
	delete(o, "credentials")
	b, _ := json.Marshal(o)
	return b
}

// secretsAt reads deviceSecrets from a journaled state; ok is false for another shape.
func secretsAt(state json.RawMessage) (deviceSecrets, bool) {
	var ds deviceSecrets
	if json.Unmarshal(state, &ds) != nil || ds.Device == nil {
		return ds, false
	}
	return ds, true
}

// gone reports whether the device record no longer exists.
func (ds deviceSecrets) gone() bool { return string(ds.Device) == "null" }

// hazards says what deleting the record would lose, or could not be told; empty when nothing.
func (ds deviceSecrets) hazards() []string {
	var out []string
	switch {
	case ds.RecoveryKeysError != "":
		out = append(out, "mdmdoctor could not read whether BitLocker recovery keys are escrowed to "+
			"this record ("+ds.RecoveryKeysError+
			"): deleting the record deletes any there are. Needs BitlockerKey.ReadBasic.All and a role that may read "+
			"them (Cloud Device Administrator, Helpdesk Administrator, Intune Administrator, Security Reader or "+
			"Global Reader).")
	case len(ds.RecoveryKeys) > 0:
		var ids []string
		for _, k := range ds.RecoveryKeys {
			var m struct {
				ID      string `json:"id"`
				Created string `json:"createdDateTime"`
			}
			_ = json.Unmarshal(k, &m)
			ids = append(ids, fmt.Sprintf("%s (backed up %s)", m.ID, m.Created))
		}
		out = append(out, fmt.Sprintf("%d BitLocker recovery key%s escrowed to this record: %s. Deleting the record "+
			"deletes %s; if the disk is still in use, save %s first (Entra admin center > Devices > BitLocker keys).",
			len(ids), plural(len(ids)), strings.Join(ids, ", "),
			map[bool]string{true: "it", false: "them"}[len(ids) == 1],
			map[bool]string{true: "it", false: "them"}[len(ids) == 1]))
	}
	switch {
	case ds.LocalCredentialError != "":
		out = append(out, "mdmdoctor could not read whether Windows LAPS holds a local administrator password for "+
			"this device ("+ds.LocalCredentialError+
			"): deleting the record deletes any there is. Needs DeviceLocalCredential.ReadBasic.All.")
	case len(ds.LocalCredential) > 0 && string(ds.LocalCredential) != "null":
		var m struct {
			LastBackup string `json:"lastBackupDateTime"`
		}
		_ = json.Unmarshal(ds.LocalCredential, &m)
		out = append(out, "Windows LAPS holds the local administrator password of this device "+
			"(last backed up "+m.LastBackup+"): deleting the record deletes it.")
	}
	return out
}

// deviceName is the record's display name, or its object id when it has none.
func (ds deviceSecrets) deviceName(id string) string {
	var d struct {
		DisplayName string `json:"displayName"`
	}
	_ = json.Unmarshal(ds.Device, &d)
	if strings.TrimSpace(d.DisplayName) == "" {
		return id
	}
	return d.DisplayName
}

// Inspect reads, for every device record the plan deletes, whether deleting it would lose a
// BitLocker recovery key or a LAPS password. When it would, or when that cannot be read, the plan
// says so and asks for the device's name to be typed (Confirm) instead of yes.
func Inspect(ctx context.Context, r Reader, p *Plan) error {
	for _, st := range p.steps {
		if st.req.Op != checks.OpDeleteDevice {
			continue
		}
		raw, err := deviceState(ctx, r, st)
		if err != nil {
			return err
		}
		ds, _ := secretsAt(raw)
		if ds.gone() {
			continue
		}
		if h := ds.hazards(); len(h) > 0 {
			p.Notes = append(p.Notes, h...)
			p.Confirm = ds.deviceName(st.req.ID)
		}
	}
	return nil
}

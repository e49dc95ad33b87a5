package checks

import (
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// physicalDevice gathers the Entra and Intune records that stand for one physical device.
type physicalDevice struct {
	entra   []facts.EntraDevice
	managed []facts.ManagedDevice
}

// name is what the helpdesk calls the device: its Entra name, else its Intune name.
func (p physicalDevice) name() string {
	for _, e := range p.entra {
		if e.DisplayName != "" {
			return e.DisplayName
		}
	}
	for _, m := range p.managed {
		if m.DeviceName != "" {
			return m.DeviceName
		}
	}
	return "unnamed device"
}

// records counts the device's records in both directories.
func (p physicalDevice) records() int { return len(p.entra) + len(p.managed) }

// groupPhysicalDevices links the user's records into physical devices. Two records are one device when
// Intune's azureADDeviceId names the Entra record, when two Intune records share a serial number or an
// Entra device id, or when two Windows Entra records share name and OS (a registered laptop that was
// later joined, a reset laptop joined again under its old name). Name matching stays within Windows
// because phones are routinely all called "iPhone"; Windows names are unique in practice (random
// defaults, naming templates, Active Directory).
func groupPhysicalDevices(entra []facts.EntraDevice, managed []facts.ManagedDevice) []physicalDevice {
	entra = uniqueEntra(entra)
	n := len(entra) + len(managed)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	union := func(a, b int) { parent[find(a)] = find(b) }

	// Records that share a key are one device: link each to the first record seen with that key.
	first := map[string]int{}
	link := func(key string, node int) {
		if j, ok := first[key]; ok {
			union(node, j)
		} else {
			first[key] = node
		}
	}
	for i, e := range entra {
		if isWindows(e.OperatingSystem) && e.DisplayName != "" {
			link("name:"+strings.ToLower(e.DisplayName)+"\x00"+strings.ToLower(e.OperatingSystem), i)
		}
		if e.DeviceID != "" {
			link("id:"+strings.ToLower(e.DeviceID), i)
		}
	}
	for mi, m := range managed {
		node := len(entra) + mi
		if id := usableDeviceID(m.AzureADDeviceID); id != "" {
			link("id:"+strings.ToLower(id), node)
		}
		if sn := usableSerial(m.SerialNumber); sn != "" {
			link("serial:"+strings.ToLower(sn), node)
		}
	}

	byRoot := map[int]*physicalDevice{}
	var order []int
	for i := range n {
		r := find(i)
		p, ok := byRoot[r]
		if !ok {
			p = &physicalDevice{}
			byRoot[r] = p
			order = append(order, r)
		}
		if i < len(entra) {
			p.entra = append(p.entra, entra[i])
		} else {
			p.managed = append(p.managed, managed[i-len(entra)])
		}
	}
	out := make([]physicalDevice, 0, len(order))
	for _, r := range order {
		out = append(out, *byRoot[r])
	}
	return out
}

// uniqueEntra drops repeats: registeredDevices and ownedDevices usually list the same device twice.
func uniqueEntra(in []facts.EntraDevice) []facts.EntraDevice {
	seen := make(map[string]bool, len(in))
	out := make([]facts.EntraDevice, 0, len(in))
	for _, d := range in {
		key := strings.ToLower(d.ID)
		if d.ID != "" && seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, d)
	}
	return out
}

func isWindows(os string) bool { return strings.HasPrefix(strings.ToLower(os), "windows") }

// usableDeviceID is an Intune record's Entra device id, or "" when Intune holds none (it writes zeros).
func usableDeviceID(id string) string {
	if strings.Trim(id, "0-") == "" {
		return ""
	}
	return id
}

// usableSerial is a serial number that identifies hardware, or "" for the placeholders firmware ships
// with, which many unrelated machines share.
func usableSerial(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "0", "none", "n/a", "default string", "to be filled by o.e.m.", "system serial number", "123456789", "unknown":
		return ""
	}
	return s
}

// isAutopilotObject reports whether an Entra record carries an Autopilot "[ZTDID]:" physical id.
func isAutopilotObject(e facts.EntraDevice) bool {
	return slices.ContainsFunc(e.PhysicalIDs, func(id string) bool { return strings.HasPrefix(strings.ToUpper(id), "[ZTDID]:") })
}

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
	links := linkRecords(entra, managed)
	out := make([]physicalDevice, links.count())
	for k := range out {
		out[k] = links.device(k, entra, managed)
	}
	return out
}

// deviceLinks is the grouping of records into physical devices, as record numbers: node i below
// entraN is the Entra record i, node entraN+j the Intune record j. Devices come in the order of their
// first record, and their records in input order, Entra before Intune.
type deviceLinks struct {
	entraN int
	// nodes holds every record, device by device; device k owns nodes[start[k]:start[k+1]].
	nodes []int32
	start []int32
}

func (l deviceLinks) count() int { return len(l.start) - 1 }

// records returns the record numbers of device k.
func (l deviceLinks) records(k int) []int32 { return l.nodes[l.start[k]:l.start[k+1]] }

// device copies the records of device k out of the lists the links were built from.
func (l deviceLinks) device(k int, entra []facts.EntraDevice, managed []facts.ManagedDevice) physicalDevice {
	var p physicalDevice
	for _, n := range l.records(k) {
		if int(n) < l.entraN {
			p.entra = append(p.entra, entra[n])
		} else {
			p.managed = append(p.managed, managed[int(n)-l.entraN])
		}
	}
	return p
}

// nameKey is a Windows Entra record's name and OS, upper-cased, for linking records of one machine.
type nameKey struct{ name, os string }

// linkRecords groups records into physical devices (see groupPhysicalDevices for the rules).
func linkRecords(entra []facts.EntraDevice, managed []facts.ManagedDevice) deviceLinks {
	l := newDeviceLinker(len(entra), len(managed))
	for _, e := range entra {
		l.addEntra(e)
	}
	for _, m := range managed {
		l.addManaged(m)
	}
	return l.links()
}

// deviceLinker groups records into physical devices as they come, Entra and Intune records in any
// order, so that a tenant's records can be grouped while they stream in; linkRecords runs it over
// lists. It works on record numbers: its maps hold one entry per distinct key, the rest is a few int32
// per record. Entra record i is node 2i of the union-find, Intune record j node 2j+1, so that both
// lists can grow; the grouping does not depend on the order records come in.
type deviceLinker struct {
	parent           []int32
	entraN, managedN int
	// Entra device ids, whether an Entra or an Intune record holds them: as 16 bytes when written as
	// GUIDs (as Graph writes them), a map the garbage collector need not scan, else as text.
	guids   map[[16]byte]int32
	ids     map[string]int32
	serials map[string]int32
	names   map[nameKey]int32
	osKeys  map[string]string
}

func newDeviceLinker(entraHint, managedHint int) *deviceLinker {
	return &deviceLinker{
		parent:  make([]int32, 0, 2*max(entraHint, managedHint)),
		guids:   make(map[[16]byte]int32, entraHint+managedHint),
		ids:     map[string]int32{},
		serials: make(map[string]int32, managedHint),
		names:   make(map[nameKey]int32, entraHint),
		osKeys:  map[string]string{},
	}
}

func (l *deviceLinker) find(i int32) int32 {
	for l.parent[i] != i {
		l.parent[i] = l.parent[l.parent[i]]
		i = l.parent[i]
	}
	return i
}

// node makes room for a node and returns it, a device of its own so far.
func (l *deviceLinker) node(n int32) int32 {
	for int32(len(l.parent)) <= n {
		l.parent = append(l.parent, int32(len(l.parent)))
	}
	return n
}

// link joins node to the first node seen with the same key: records that share a key are one device.
func link[K comparable](l *deviceLinker, m map[K]int32, key K, node int32) {
	if j, ok := m[key]; ok {
		l.parent[l.find(node)] = l.find(j)
	} else {
		m[key] = node
	}
}

// linkID links a node by an Entra device id, compared case-insensitively.
func (l *deviceLinker) linkID(id string, node int32) {
	if g, ok := parseGUID(id); ok {
		link(l, l.guids, g, node)
		return
	}
	link(l, l.ids, strings.ToLower(id), node)
}

// parseGUID reads a GUID written 8-4-4-4-12 in hexadecimal digits of either case: two ids are the same
// GUID exactly when they are the same text but for case.
func parseGUID(s string) (g [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, false
	}
	n := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i--
			continue
		}
		hi, ok1 := hexValue(s[i])
		lo, ok2 := hexValue(s[i+1])
		if !ok1 || !ok2 {
			return g, false
		}
		g[n] = hi<<4 | lo
		n++
	}
	return g, true
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// addEntra adds the next Entra record. Keys compare case-insensitively through upper case: Windows
// names are usually written in capitals already, so most keys are the strings as read, with no copy.
func (l *deviceLinker) addEntra(e facts.EntraDevice) {
	node := l.node(int32(2 * l.entraN))
	l.entraN++
	if isWindows(e.OperatingSystem) && e.DisplayName != "" {
		osKey, ok := l.osKeys[e.OperatingSystem]
		if !ok {
			osKey = strings.ToUpper(e.OperatingSystem)
			l.osKeys[e.OperatingSystem] = osKey
		}
		link(l, l.names, nameKey{strings.ToUpper(e.DisplayName), osKey}, node)
	}
	if e.DeviceID != "" {
		l.linkID(e.DeviceID, node)
	}
}

// addManaged adds the next Intune record.
func (l *deviceLinker) addManaged(m facts.ManagedDevice) {
	node := l.node(int32(2*l.managedN + 1))
	l.managedN++
	if id := usableDeviceID(m.AzureADDeviceID); id != "" {
		l.linkID(id, node)
	}
	if sn := usableSerial(m.SerialNumber); sn != "" {
		link(l, l.serials, strings.ToUpper(sn), node)
	}
}

// links numbers the devices in the order of their first record (Entra records first, then Intune
// ones, each in the order added) and lays their records out device by device, a counting sort that
// keeps that order within a device.
func (l *deviceLinker) links() deviceLinks {
	n := l.entraN + l.managedN
	node := func(c int) int32 {
		if c < l.entraN {
			return int32(2 * c)
		}
		return int32(2*(c-l.entraN) + 1)
	}
	device := make([]int32, n)
	slot := make([]int32, len(l.parent)) // per root: its device number + 1
	var sizes []int32
	for c := range n {
		r := l.find(node(c))
		if slot[r] == 0 {
			sizes = append(sizes, 0)
			slot[r] = int32(len(sizes))
		}
		device[c] = slot[r] - 1
		sizes[device[c]]++
	}
	start := make([]int32, len(sizes)+1)
	for k, sz := range sizes {
		start[k+1] = start[k] + sz
	}
	next := slices.Clone(start[:len(sizes)])
	nodes := make([]int32, n)
	for c, k := range device {
		nodes[next[k]] = int32(c)
		next[k]++
	}
	return deviceLinks{entraN: l.entraN, nodes: nodes, start: start}
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

// isWindows reports an operating system named Windows..., in any case, without copying the name: the
// tenant sweep asks it of every record.
func isWindows(os string) bool { return len(os) >= 7 && strings.EqualFold(os[:7], "windows") }

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
	for _, p := range placeholderSerials {
		if strings.EqualFold(s, p) {
			return ""
		}
	}
	return s
}

// placeholderSerials are the serial numbers firmware ships with.
var placeholderSerials = [...]string{"0", "none", "n/a", "default string", "to be filled by o.e.m.", "system serial number", "123456789", "unknown"}

// isAutopilotObject reports whether an Entra record carries an Autopilot "[ZTDID]:" physical id.
func isAutopilotObject(e facts.EntraDevice) bool {
	return slices.ContainsFunc(e.PhysicalIDs, func(id string) bool { return strings.HasPrefix(strings.ToUpper(id), "[ZTDID]:") })
}

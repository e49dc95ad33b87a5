package graph

import (
	"bytes"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The sweep's $select lists: what the device checks judge and the export shows, nothing more. Graph
// meters and sends less, and each record decodes faster.
const (
	sweepSelDevice  = "id,deviceId,displayName,operatingSystem,operatingSystemVersion,trustType,isManaged,isCompliant,accountEnabled,mdmAppId,approximateLastSignInDateTime,registrationDateTime,physicalIds"
	sweepSelManaged = "id,azureADDeviceId,deviceName,serialNumber,userPrincipalName,userId,operatingSystem,managementAgent,managedDeviceOwnerType,deviceEnrollmentType,complianceState,enrolledDateTime,lastSyncDateTime"
)

// autopilotMarker starts the physical id Windows Autopilot writes on the devices it registers.
const autopilotMarker = "[ZTDID]:"

// isAutopilotID matches the marker as the device checks do (upper-cased, then the prefix), without
// allocating for the plain ASCII ids every device carries.
func isAutopilotID(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return strings.HasPrefix(strings.ToUpper(string(b)), autopilotMarker)
		}
	}
	return len(b) >= len(autopilotMarker) && bytes.EqualFold(b[:len(autopilotMarker)], []byte(autopilotMarker))
}

// deviceDecoder turns Entra device objects into facts, sharing repeated values.
type deviceDecoder struct{ shared interner }

// record decodes one device object into e; its ids and name are filled in when strs is flushed. Of
// physicalIds only the Autopilot marker is kept: the other ids are hardware hashes no check reads, and
// they would double the sweep's memory.
func (d *deviceDecoder) record(s *scanner, e *facts.EntraDevice, strs *pageStrings) bool {
	if !s.enter('{') {
		return false
	}
	first := true
	for s.next('}', &first) {
		k, ok := s.key()
		if !ok {
			return false
		}
		switch string(k) {
		case "id":
			ok = strs.read(s, &e.ID)
		case "deviceId":
			ok = strs.read(s, &e.DeviceID)
		case "displayName":
			ok = strs.read(s, &e.DisplayName)
		case "operatingSystem":
			e.OperatingSystem, ok = s.interned(d.shared)
		case "operatingSystemVersion":
			e.OperatingSystemVersion, ok = s.interned(d.shared)
		case "trustType":
			e.TrustType, ok = s.interned(d.shared)
		case "mdmAppId":
			e.MdmAppID, ok = s.interned(d.shared)
		case "profileType":
			e.ProfileType, ok = s.interned(d.shared)
		case "enrollmentType":
			e.EnrollmentType, ok = s.interned(d.shared)
		case "isManaged":
			e.IsManaged, ok = s.boolean()
		case "isCompliant":
			e.IsCompliant, ok = s.boolean()
		case "accountEnabled":
			e.AccountEnabled, ok = s.boolean()
		case "approximateLastSignInDateTime":
			e.ApproximateLastSignInDateTime, ok = s.timestamp()
		case "registrationDateTime":
			e.RegistrationDateTime, ok = s.timestamp()
		case "physicalIds":
			e.PhysicalIDs, ok = autopilotIDs(s)
		default:
			ok = s.skip()
		}
		if !ok {
			return false
		}
	}
	return s.err == nil
}

// managedDecoder turns Intune managed device objects into facts, sharing repeated values.
type managedDecoder struct{ shared interner }

// record decodes one managed device object into m; its ids and names are filled in when strs is
// flushed.
func (d *managedDecoder) record(s *scanner, m *facts.ManagedDevice, strs *pageStrings) bool {
	if !s.enter('{') {
		return false
	}
	first := true
	for s.next('}', &first) {
		k, ok := s.key()
		if !ok {
			return false
		}
		switch string(k) {
		case "id":
			ok = strs.read(s, &m.ID)
		case "azureADDeviceId":
			ok = strs.read(s, &m.AzureADDeviceID)
		case "deviceName":
			ok = strs.read(s, &m.DeviceName)
		case "serialNumber":
			ok = strs.read(s, &m.SerialNumber)
		case "userPrincipalName":
			ok = strs.read(s, &m.UserPrincipalName)
		case "userId":
			ok = strs.read(s, &m.UserID)
		case "operatingSystem":
			m.OperatingSystem, ok = s.interned(d.shared)
		case "managementAgent":
			m.ManagementAgent, ok = s.interned(d.shared)
		case "managedDeviceOwnerType":
			m.ManagedDeviceOwnerType, ok = s.interned(d.shared)
		case "deviceEnrollmentType":
			m.DeviceEnrollmentType, ok = s.interned(d.shared)
		case "deviceRegistrationState":
			m.DeviceRegistrationState, ok = s.interned(d.shared)
		case "complianceState":
			m.ComplianceState, ok = s.interned(d.shared)
		case "enrolledDateTime":
			m.EnrolledDateTime, ok = s.timestamp()
		case "lastSyncDateTime":
			m.LastSyncDateTime, ok = s.timestamp()
		default:
			ok = s.skip()
		}
		if !ok {
			return false
		}
	}
	return s.err == nil
}

// autopilotIDs reads a physicalIds array (null as none), keeping the Autopilot markers.
func autopilotIDs(s *scanner) ([]string, bool) {
	if s.null() {
		return nil, true
	}
	if !s.enter('[') {
		return nil, false
	}
	var out []string
	first := true
	for s.next(']', &first) {
		if s.null() {
			continue
		}
		b, ok := s.rawString()
		if !ok {
			return nil, false
		}
		if isAutopilotID(b) {
			out = append(out, string(b))
		}
	}
	return out, s.err == nil
}

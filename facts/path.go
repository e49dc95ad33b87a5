package facts

import (
	"fmt"
	"strings"
)

// EnrollmentPath is how a Windows device comes to enroll into Intune. Several documented rules
// (enrollment restrictions, device limits, licences) turn on it. The zero value is unknown.
type EnrollmentPath string

// Enrollment paths, as the --path flag spells them.
const (
	PathUnknown EnrollmentPath = ""
	// PathJoin is a Microsoft Entra join during Windows setup (OOBE) or from Settings.
	PathJoin EnrollmentPath = "join"
	// PathRegister is "Add work or school account" on a personal device (Entra registration).
	PathRegister EnrollmentPath = "register"
	// PathGPO is a hybrid joined device enrolled by the Group Policy for automatic MDM enrollment.
	PathGPO EnrollmentPath = "gpo"
	// PathCoManage is a Configuration Manager client enrolled through co-management.
	PathCoManage EnrollmentPath = "comanage"
	// PathAutopilot is a device registered with Windows Autopilot.
	PathAutopilot EnrollmentPath = "autopilot"
	// PathBulk is a bulk provisioning package (Windows Configuration Designer).
	PathBulk EnrollmentPath = "bulk"
	// PathDEM is an enrollment by a device enrollment manager account.
	PathDEM EnrollmentPath = "dem"
)

// EnrollmentPaths lists every known path, in the order the CLI and the TUI offer them.
func EnrollmentPaths() []EnrollmentPath {
	return []EnrollmentPath{PathJoin, PathRegister, PathGPO, PathCoManage, PathAutopilot, PathBulk, PathDEM}
}

// Describe words a path for the operator.
func (p EnrollmentPath) Describe() string {
	switch p {
	case PathJoin:
		return "Microsoft Entra join in Windows setup or from Settings"
	case PathRegister:
		return "a work or school account added on a personal device (Entra registered)"
	case PathGPO:
		return "Group Policy automatic enrollment of a hybrid joined device"
	case PathCoManage:
		return "co-management from Configuration Manager"
	case PathAutopilot:
		return "Windows Autopilot"
	case PathBulk:
		return "a bulk provisioning package"
	case PathDEM:
		return "a device enrollment manager account"
	case PathUnknown:
		return "unknown"
	}
	return string(p)
}

// ParseEnrollmentPath reads a --path value; "" is the unknown path.
func ParseEnrollmentPath(s string) (EnrollmentPath, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return PathUnknown, nil
	}
	for _, p := range EnrollmentPaths() {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, 0, 7)
	for _, p := range EnrollmentPaths() {
		names = append(names, string(p))
	}
	return PathUnknown, fmt.Errorf("unknown enrollment path %q: use one of %s, or leave it out to "+
		"judge every path", s, strings.Join(names, ", "))
}

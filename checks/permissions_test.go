package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Microsoft lists Entra roles that read all Intune data (Helpdesk Administrator, Security Reader,
// Global Reader, ...), and Intune roles read it too though the token does not show them: an operator
// without an Entra role for Intune is told the Intune results may be partial, not that the checks
// cannot run.
func TestOperatorPermissionsIntuneReaders(t *testing.T) {
	scopes := []string{"User.Read.All", "Domain.Read.All", "LicenseAssignment.Read.All", "Organization.Read.All", "GroupMember.Read.All",
		"Device.Read.All", "DeviceManagementManagedDevices.Read.All", "Policy.Read.All", "Policy.Read.DeviceConfiguration",
		"DeviceManagementServiceConfig.Read.All", "AuditLog.Read.All"}
	for _, tc := range []struct {
		name  string
		roles []string
		want  Status
		text  string
		not   string
	}{
		{"Helpdesk Administrator and Security Reader read Intune", []string{facts.RoleHelpdeskAdministrator, facts.RoleSecurityReader, facts.RoleGlobalReader}, Warn, "fixes unavailable", "Intune role the token cannot show"},
		// Entra roles for the directory and policy reads, none that reads Intune: Intune access must come
		// from an Intune role, which the token does not show.
		{"Intune data through an Intune role only", []string{facts.RoleCloudDeviceAdministrator, facts.RoleConditionalAccessAdmin, facts.RoleReportsReader},
			Warn, "Intune role the token cannot show", "cannot run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("alice@contoso.com")
			f.Operator = &facts.Operator{UserPrincipalName: "helpdesk@contoso.com", Known: true, Scopes: scopes, RoleTemplateIDs: tc.roles}
			r := judgeOne(t, "operator.permissions", f)
			all := r.Summary + " " + r.Explanation
			for _, e := range r.Evidence {
				all += " " + e.Detail
			}
			if r.Status == Fail || !strings.Contains(all, tc.text) || (tc.not != "" && strings.Contains(all, tc.not)) {
				t.Errorf("%s %q, want %s saying %q and not %q", r.Status, all, tc.want, tc.text, tc.not)
			}
		})
	}
}

package checks

import (
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// FixRoleGap says, when the operator's directory roles are known and none of them may apply the
// fix, which role it needs (as operator.permissions reports it); "" when a role allows it, the
// operator is a Global Administrator or an application, or the roles are unknown.
func FixRoleGap(op *facts.Operator, fixID string) string {
	if op == nil || !op.Known || op.AppOnly || hasAny(op.RoleTemplateIDs, []string{facts.RoleGlobalAdministrator}) {
		return ""
	}
	for _, fr := range fixRoles {
		if !strings.HasPrefix(fixID, fr.prefix) {
			continue
		}
		if hasAny(op.RoleTemplateIDs, fr.roles) {
			return ""
		}
		names := make([]string, 0, len(fr.roles))
		for _, r := range fr.roles {
			names = append(names, facts.RoleName(r))
		}
		return strings.Join(names, " or ")
	}
	return ""
}

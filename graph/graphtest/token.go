package graphtest

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
)

// graphAppID is Microsoft Graph's application id, the audience of Graph tokens.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// newToken builds an unsigned JWT-shaped token with the operator's claims, shaped like an Entra ID
// access token for Graph (v1 tokens carry upn, scp for delegated and roles for app-only access).
func newToken(t *Tenant, root string) string {
	now := time.Now()
	claims := map[string]any{
		"aud":             graphAppID,
		"iss":             "https://sts.windows.net/" + t.TenantID + "/",
		"tid":             t.TenantID,
		"iat":             now.Unix(),
		"nbf":             now.Unix(),
		"exp":             now.Add(24 * time.Hour).Unix(),
		"app_displayname": "mdmdoctor demo (" + root + ")",
		"appid":           "14d82eec-204b-4c2f-b7e8-296a70dab67e",
		"ver":             "1.0",
	}
	op := t.Operator
	if len(op.AppRoles) > 0 {
		claims["roles"] = op.AppRoles
		claims["idtyp"] = "app"
	} else {
		claims["scp"] = strings.Join(op.Scopes, " ")
		claims["upn"] = op.UserPrincipalName
		claims["unique_name"] = op.UserPrincipalName
		if u := findObject(t.Users, "userPrincipalName", op.UserPrincipalName); u != nil {
			claims["oid"] = u.ID()
		}
	}
	if len(op.RoleTemplateIDs) > 0 {
		claims["wids"] = op.RoleTemplateIDs
	}
	header, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "none"})
	payload, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "."
}

// newID returns a random GUID, as Graph uses for request ids.
func newID() string { return uuid.NewString() }

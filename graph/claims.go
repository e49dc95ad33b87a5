package graph

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// claims are the parts of an Entra ID access token that say who signed in and what it may do.
type claims struct {
	UPN               string   `json:"upn"`
	UniqueName        string   `json:"unique_name"`
	PreferredUsername string   `json:"preferred_username"`
	Scp               string   `json:"scp"`
	Roles             []string `json:"roles"`
	Wids              []string `json:"wids"`
	Tid               string   `json:"tid"`
	IDType            string   `json:"idtyp"`
	Exp               int64    `json:"exp"`
}

// parseClaims reads a JWT's payload without verifying it: Graph verifies tokens, mdmdoctor only
// reads its own token to explain what it may do. ok is false for an opaque token.
func parseClaims(token string) (claims, bool) {
	var c claims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c, false
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, false
	}
	return c, true
}

// operator turns a token into the operator facts; appOnly is what the sign-in method implies when
// the token cannot be read.
func operator(token string, appOnly bool) *facts.Operator {
	c, ok := parseClaims(token)
	if !ok {
		return &facts.Operator{AppOnly: appOnly, Known: false}
	}
	op := &facts.Operator{Known: true, RoleTemplateIDs: c.Wids, TenantID: c.Tid}
	op.UserPrincipalName = firstNonEmpty(c.UPN, c.UniqueName, c.PreferredUsername)
	if c.Scp != "" {
		op.Scopes = strings.Fields(c.Scp)
	} else {
		op.Scopes = c.Roles
		op.AppOnly = true
	}
	return op
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

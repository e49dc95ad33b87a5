package checks

import (
	"encoding/json"
	"strings"
)

// withField returns the JSON object raw with one top-level field set and every other field kept as read.
// Top-level @odata annotations are dropped. It reports false when raw is not a JSON object, so that no partial body is ever planned.
func withField(raw []byte, key, value string) (json.RawMessage, bool) {
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, false
	}
	v, err := json.Marshal(value)
	if err != nil {
		return nil, false
	}
	// Annotations of the read (@odata.context and the like) are not part of the resource.
	for k := range m {
		if strings.HasPrefix(k, "@odata.") {
			delete(m, k)
		}
	}
	m[key] = v
	out, err := json.Marshal(m)
	return out, err == nil
}

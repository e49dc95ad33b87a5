package checks

import "encoding/json"

// withField returns the JSON object raw with one top-level field set and every other field kept as read.
// It reports false when raw is not a JSON object, so that no partial body is ever planned.
func withField(raw []byte, key, value string) (json.RawMessage, bool) {
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, false
	}
	v, err := json.Marshal(value)
	if err != nil {
		return nil, false
	}
	m[key] = v
	out, err := json.Marshal(m)
	return out, err == nil
}

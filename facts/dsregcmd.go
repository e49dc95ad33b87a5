package facts

import "strings"

// Dsregcmd is a parsed `dsregcmd /status` output, pasted by the operator. It can hold device and user
// identifiers, so it is never logged or journaled.
type Dsregcmd struct {
	Sections []DsregSection
}

// DsregSection is one `| Device State |` block.
type DsregSection struct {
	Name   string
	Fields []DsregField
}

// DsregField is one `Key : Value` line; Line is its 1-based line number in the paste, for evidence.
type DsregField struct {
	Key   string
	Value string
	Line  int
}

// Field finds a key in any section, case-insensitively on the key.
func (d *Dsregcmd) Field(key string) (DsregField, bool) {
	if d == nil {
		return DsregField{}, false
	}
	for _, s := range d.Sections {
		for _, f := range s.Fields {
			if strings.EqualFold(f.Key, key) {
				return f, true
			}
		}
	}
	return DsregField{}, false
}

// Value returns a key's value, or "" when it is absent.
func (d *Dsregcmd) Value(key string) string {
	f, _ := d.Field(key)
	return f.Value
}

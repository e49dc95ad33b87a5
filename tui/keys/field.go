package keys

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// Field is what key k does to the one-line text field in, which has focus: esc leaves it (left, and
// the field loses focus), enter submits its value with the spaces around it trimmed (submitted), and
// any other key is typed into it (cmd is the field's).
func Field(k tea.KeyPressMsg, km *KeyMap, in *textinput.Model) (value string, submitted, left bool, cmd tea.Cmd) {
	switch {
	case key.Matches(k, km.Back):
		in.Blur()
		return "", false, true, nil
	case key.Matches(k, km.Select):
		return strings.TrimSpace(in.Value()), true, false, nil
	}
	*in, cmd = in.Update(k)
	return "", false, false, cmd
}

// Package errcodes is the catalog of Windows enrollment error codes, events and messages: what each
// means, its documented causes with the Microsoft article each comes from, and how each cause is
// tested (a check ID) or verified on the device. The data lives in catalog.json, reviewed like code.
// The package imports nothing of ours; checks ranks a code's causes against a run's results.
package errcodes

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

//go:embed catalog.json
var catalogJSON []byte

// Schema names the catalog file's format.
const Schema = "mdmdoctor.errcodes/v1"

// Kind says what an entry is keyed by.
type Kind string

// Entry kinds.
const (
	KindCode    Kind = "code"
	KindEvent   Kind = "event"
	KindMessage Kind = "message"
)

// Catalog is the parsed catalog. Its methods never modify it.
type Catalog struct {
	entries []Entry
}

// Event keys an event: an ID means something only in its log.
type Event struct {
	Log string `json:"log"`
	ID  int    `json:"id"`
}

// Entry is one code, event or code-less message.
type Entry struct {
	// Code is the HRESULT as 0x followed by 8 lower-case hex digits; empty for events and messages.
	Code string `json:"code,omitempty"`
	// Aliases are spellings the documentation uses for the same code (its typo 0x80180002b).
	Aliases []string `json:"aliases,omitempty"`
	Event   *Event   `json:"event,omitempty"`
	// LogAliases are other names of the event's log as people paste them.
	LogAliases []string `json:"logAliases,omitempty"`
	// Message names a code-less message entry.
	Message string `json:"message,omitempty"`
	// Symbol is Microsoft's name of the code (MENROLL_E_*, DSREG_E_*), or HRESULT when it has none.
	Symbol string `json:"symbol,omitempty"`
	Title  string `json:"title"`
	// Meaning is what the code means, in the documentation's words where it has them.
	Meaning string `json:"meaning"`
	// Source is the URL of the Microsoft article that describes the entry.
	Source string `json:"source"`
	// Phrases are lower-case texts that identify the entry inside a pasted message.
	Phrases []string `json:"phrases,omitempty"`
	Causes  []Cause  `json:"causes"`
}

// Cause is one documented cause of an entry and how to test it.
type Cause struct {
	Cause  string `json:"cause"`
	Source string `json:"source"`
	// Check is the mdmdoctor check that tests the cause live; empty when Graph cannot see it.
	Check string `json:"check,omitempty"`
	// Verify is the exact place to verify the cause on the device or in a portal mdmdoctor does not read.
	Verify string `json:"verify,omitempty"`
}

// Kind says whether the entry is a code, an event or a message.
func (e Entry) Kind() Kind {
	switch {
	case e.Code != "":
		return KindCode
	case e.Event != nil:
		return KindEvent
	}
	return KindMessage
}

// Key names the entry uniquely: the code, "LOG event ID", or "message NAME".
func (e Entry) Key() string {
	switch e.Kind() {
	case KindCode:
		return e.Code
	case KindEvent:
		return fmt.Sprintf("%s event %d", e.Event.Log, e.Event.ID)
	}
	return "message " + e.Message
}

// Value is the code as a number; false for events and messages.
func (e Entry) Value() (uint32, bool) {
	if e.Code == "" {
		return 0, false
	}
	v, err := strconv.ParseUint(strings.TrimPrefix(e.Code, "0x"), 16, 32)
	return uint32(v), err == nil
}

// Load parses and validates the embedded catalog.
func Load() (Catalog, error) {
	return parse(catalogJSON)
}

// Default is the embedded catalog. Its validity is a test of this package, so a failure here is a
// broken build, not bad input.
func Default() Catalog {
	c, err := Load()
	if err != nil {
		panic("errcodes: the embedded catalog is invalid: " + err.Error())
	}
	return c
}

// Entries returns every entry in catalog order.
func (c Catalog) Entries() []Entry {
	return append([]Entry(nil), c.entries...)
}

// Code finds the entry of a code.
func (c Catalog) Code(v uint32) (Entry, bool) {
	key := FormatCode(v)
	for _, e := range c.entries {
		if e.Code == key {
			return e, true
		}
	}
	return Entry{}, false
}

// FormatCode writes a code the way the catalog keys it: 0x and 8 lower-case hex digits.
func FormatCode(v uint32) string { return fmt.Sprintf("0x%08x", v) }

type file struct {
	Schema  string  `json:"schema"`
	Note    string  `json:"note"`
	Entries []Entry `json:"entries"`
}

func parse(raw []byte) (Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return Catalog{}, fmt.Errorf("decoding the catalog: %w", err)
	}
	if f.Schema != Schema {
		return Catalog{}, fmt.Errorf("catalog schema %q, want %q", f.Schema, Schema)
	}
	seen := map[string]bool{}
	for i, e := range f.Entries {
		if err := validate(e); err != nil {
			return Catalog{}, fmt.Errorf("entry %d (%s): %w", i, e.Key(), err)
		}
		if seen[e.Key()] {
			return Catalog{}, fmt.Errorf("entry %d: %s appears twice", i, e.Key())
		}
		seen[e.Key()] = true
	}
	return Catalog{entries: f.Entries}, nil
}

const learn = "https://learn.microsoft.com/"

func validate(e Entry) error {
	kinds := 0
	for _, set := range []bool{e.Code != "", e.Event != nil, e.Message != ""} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return fmt.Errorf("needs exactly one of code, event and message")
	}
	if e.Code != "" {
		v, ok := e.Value()
		if !ok || FormatCode(v) != e.Code {
			return fmt.Errorf("code must be written 0x and 8 lower-case hex digits")
		}
		if e.Symbol == "" {
			return fmt.Errorf("a code needs its symbol (HRESULT when Microsoft names none)")
		}
	}
	if e.Event != nil && (e.Event.Log == "" || e.Event.ID <= 0) {
		return fmt.Errorf("an event needs its log and a positive id")
	}
	if e.Title == "" || e.Meaning == "" {
		return fmt.Errorf("needs a title and a meaning")
	}
	if !strings.HasPrefix(e.Source, learn) {
		return fmt.Errorf("source %q is not a Microsoft Learn article", e.Source)
	}
	for _, p := range e.Phrases {
		if p != strings.ToLower(p) || strings.TrimSpace(p) == "" {
			return fmt.Errorf("phrase %q must be lower case and not blank", p)
		}
	}
	if e.Kind() != KindEvent && len(e.Causes) == 0 {
		return fmt.Errorf("a code or message needs at least one documented cause")
	}
	for j, c := range e.Causes {
		switch {
		case c.Cause == "":
			return fmt.Errorf("cause %d has no text", j)
		case !strings.HasPrefix(c.Source, learn):
			return fmt.Errorf("cause %d: source %q is not a Microsoft Learn article", j, c.Source)
		case c.Check == "" && c.Verify == "":
			return fmt.Errorf("cause %d: needs a check or a place to verify it", j)
		}
	}
	return nil
}

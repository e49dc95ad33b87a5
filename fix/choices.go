package fix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Choices are what the operator picked for a fix (the CLI's --group, --sku, --usage-location and
// --device; lists in the TUI). An empty field keeps the check's own pick.
type Choices struct {
	Group         string
	SKU           string
	UsageLocation string
	Device        string
	// ExcludeGroups and ExcludeUsers add exclusions to the Conditional Access policy a fix creates
	// (--exclude-group, --exclude-user), beyond those the tenant's All-users policies share.
	ExcludeGroups []string
	ExcludeUsers  []string
}

// ChoiceKind names a choice a fix can ask for.
type ChoiceKind string

// The choices fixes ask for, named as the CLI flags that answer them.
const (
	ChooseGroup   ChoiceKind = "group"
	ChooseSKU     ChoiceKind = "sku"
	ChooseCountry ChoiceKind = "usage-location"
	ChooseDevice  ChoiceKind = "device"
)

// Option is one answer to a choice: Value goes into Choices, Label is shown beside it.
type Option struct {
	Value string
	Label string
}

// Need is a choice a fix asks for, with the answers to pick from. When it is not Required, the
// first option is the check's own pick and the default.
type Need struct {
	Kind     ChoiceKind
	Prompt   string
	Options  []Option
	Required bool
}

// Set returns ch with this need answered by value.
func (n Need) Set(ch Choices, value string) Choices {
	switch n.Kind {
	case ChooseGroup:
		ch.Group = value
	case ChooseSKU:
		ch.SKU = value
	case ChooseCountry:
		ch.UsageLocation = value
	case ChooseDevice:
		ch.Device = value
	}
	return ch
}

// ChoiceError says a fix cannot go ahead without a choice the operator has not made.
type ChoiceError struct {
	Fix  string
	Need Need
}

func (e *ChoiceError) Error() string {
	if len(e.Need.Options) == 0 {
		return fmt.Sprintf("%s needs --%s: %s", e.Fix, e.Need.Kind, e.Need.Prompt)
	}
	return fmt.Sprintf("%s needs --%s: %s; one of %s", e.Fix, e.Need.Kind, e.Need.Prompt, optionList(e.Need.Options))
}

// printableOptions makes the options' labels and values printable: group names, SKU part numbers
// and device titles come from Graph.
func printableOptions(opts []Option) []Option {
	for i := range opts {
		opts[i].Value, opts[i].Label = checks.Printable(opts[i].Value), checks.Printable(opts[i].Label)
	}
	return opts
}

// needs lists the choices the draft's fix asks for: required ones always, optional ones only when
// there is more than one answer.
func (d *Draft) needs() []Need {
	var kinds []ChoiceKind
	switch d.Fix {
	case "scope.mdm.add-user-to-group", "scope.mam-conflict.remove-user", "scope.mam-conflict.remove-group", "scope.mdm.add-group":
		kinds = []ChoiceKind{ChooseGroup}
	case "license.assign":
		kinds = []ChoiceKind{ChooseSKU, ChooseCountry}
	case "devices.duplicates.delete-stale", "devices.duplicates.disable-stale":
		kinds = []ChoiceKind{ChooseDevice}
	}
	var out []Need
	for _, k := range kinds {
		// A country is asked only when the user has none: the list is there to pick from, not a choice.
		if n := d.need(k); n.Required || (len(n.Options) > 1 && k != ChooseCountry) {
			out = append(out, n)
		}
	}
	return out
}

// need describes one choice for the draft's fix.
func (d *Draft) need(k ChoiceKind) Need {
	n := Need{Kind: k}
	groups := func(gs []facts.Group) {
		for _, g := range gs {
			n.Options = append(n.Options, Option{Value: g.ID, Label: g.DisplayName})
		}
	}
	switch {
	case k == ChooseGroup && d.Fix == "scope.mdm.add-user-to-group":
		n.Prompt = "the included group of the MDM user scope to add the user to"
		if d.f.MDMPolicy != nil {
			groups(slices.DeleteFunc(slices.Clone(d.f.MDMPolicy.IncludedGroups), func(g facts.Group) bool { return g.Dynamic }))
		}
		d.defaultFirst(&n)
	case k == ChooseGroup && d.Fix == "scope.mdm.add-group":
		n.Prompt = "a group that holds the user (nested membership counts), to include in the MDM user scope"
		n.Required = true
		groups(d.userGroups())
	case k == ChooseGroup:
		n.Prompt = "the group of the MAM user scope that holds the user"
		groups(d.mamGroups())
		d.defaultFirst(&n)
	case k == ChooseSKU:
		n.Prompt = "the licence to assign: it carries the missing plan and has free units"
		for _, s := range d.assignableSkus() {
			n.Options = append(n.Options, Option{Value: s.SkuPartNumber,
				Label: fmt.Sprintf("%s, %d free", s.SkuID, s.FreeUnits())})
		}
		if sku := d.plannedSku(); sku != nil {
			moveFirst(&n, sku.SkuPartNumber)
		}
	case k == ChooseCountry:
		n.Prompt = "a usage location for the user, who has none while a licence needs one (a two-letter ISO 3166 " +
			"country code)"
		n.Required = d.f.User != nil && d.f.User.UsageLocation == ""
		n.Options = countries()
	case k == ChooseDevice:
		n.Prompt = "the stale record to delete"
		if d.Fix == "devices.duplicates.disable-stale" {
			n.Prompt = "the stale record to disable"
		}
		n.Required = true
		for _, c := range d.cands {
			n.Options = append(n.Options, Option{Value: recordID(c.fix), Label: c.fix.Title})
		}
	}
	n.Options = printableOptions(n.Options)
	return n
}

// defaultFirst moves the group of the check's own plan to the front of a group choice.
func (d *Draft) defaultFirst(n *Need) {
	for _, r := range d.cands[0].fix.Requests {
		if r.Group != "" {
			moveFirst(n, r.Group)
			return
		}
	}
}

func moveFirst(n *Need, value string) {
	i := slices.IndexFunc(n.Options, func(o Option) bool { return strings.EqualFold(o.Value, value) })
	if i > 0 {
		o := n.Options[i]
		n.Options = append([]Option{o}, slices.Delete(n.Options, i, i+1)...)
	}
}

// countries are the usage locations offered as a list; any ISO 3166 alpha-2 code is accepted.
func countries() []Option {
	const list = "US United States|GB United Kingdom|CA Canada|AU Australia|NZ New Zealand|IE Ireland|DE Germany|" +
		"FR France|NL Netherlands|BE Belgium|LU Luxembourg|CH Switzerland|AT Austria|IT Italy|ES Spain|PT Portugal|" +
		"SE Sweden|NO Norway|DK Denmark|FI Finland|IS Iceland|PL Poland|CZ Czechia|SK Slovakia|HU Hungary|RO Romania|" +
		"BG Bulgaria|GR Greece|HR Croatia|SI Slovenia|EE Estonia|LV Latvia|LT Lithuania|UA Ukraine|TR " +
		"Türkiye|IL Israel|" +
		"AE United Arab Emirates|SA Saudi Arabia|QA Qatar|EG Egypt|ZA South Africa|NG Nigeria|KE Kenya|MA Morocco|" +
		"IN India|PK Pakistan|SG Singapore|MY Malaysia|ID Indonesia|TH Thailand|VN Vietnam|PH Philippines|" +
		"JP Japan|KR Korea|CN China|HK Hong Kong SAR|TW Taiwan|MX Mexico|BR Brazil|AR Argentina|CL Chile|CO " +
		"Colombia|PE Peru"
	var out []Option
	for _, e := range strings.Split(list, "|") {
		code, name, _ := strings.Cut(e, " ")
		out = append(out, Option{Value: code, Label: name})
	}
	return out
}

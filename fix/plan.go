package fix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Plan is a fix made concrete: the exact requests to send, in order, and what to tell the operator.
// Its exported fields are what the journal keeps of it.
type Plan struct {
	Fix   string `json:"fix"`
	Title string `json:"title"`
	// User is the triaged user; Subject what the fix is about (a device, a domain) when not the user.
	User    string `json:"user,omitempty"`
	Subject string `json:"subject,omitempty"`
	// Checks are re-run once the plan is applied.
	Checks      []string         `json:"checks"`
	Reversible  bool             `json:"reversible"`
	Permissions []string         `json:"permissions"`
	Requests    []checks.Request `json:"requests"`
	// Guidance holds the steps of a fix Graph cannot apply (the DNS record to publish).
	Guidance []string `json:"guidance,omitempty"`
	// Notes say what the operator's choices add to the check's plan.
	Notes []string `json:"notes,omitempty"`
	// Undoes is the journal ID of the fix this plan reverts; Cannot says what of it cannot be.
	Undoes string   `json:"undoes,omitempty"`
	Cannot []string `json:"cannot,omitempty"`
	// Confirm, when set, is the name the operator must type, not just yes, before the plan is
	// applied: a device record whose deletion would delete BitLocker recovery keys or a LAPS
	// password (or when that could not be read). Nothing, --yes included, stands in for typing it.
	Confirm string `json:"confirm,omitempty"`

	steps   []step
	choices Choices
	typed   string
	// extra are the objects the choices named that Draft.Resolve read, for the pre-flight's plan.
	extra []excluded
}

// Type records the name the operator typed to confirm the plan; it reports whether it is Confirm
// (case aside, as Windows device names are).
func (p *Plan) Type(name string) bool {
	p.typed = strings.TrimSpace(name)
	return p.Confirm == "" || strings.EqualFold(p.typed, p.Confirm)
}

// confirmed reports whether the plan needs no typed name, or got the right one.
func (p *Plan) confirmed() bool { return p.Confirm == "" || strings.EqualFold(p.typed, p.Confirm) }

// Draft is a fix offered on the current results, before the operator's choices: Needs lists what
// must or may be chosen, Plan makes it concrete.
type Draft struct {
	Fix   string
	Needs []Need
	// Offered are the results offering the fix.
	Offered []checks.Result

	info    fixInfo
	f       *facts.Facts
	results []checks.Result
	cands   []candidate
	// extra are the groups and users --exclude flags named that Resolve read.
	extra []excluded
}

// candidate is one result offering the fix, and the fix as it offers it.
type candidate struct {
	result checks.Result
	fix    checks.Fix
}

// NotOfferedError says that no current result offers the fix, and how the checks that would offer
// it stand.
type NotOfferedError struct {
	Fix     string
	Results []checks.Result
}

func (e *NotOfferedError) Error() string {
	if len(e.Results) == 0 {
		return fmt.Sprintf("no check offering %s ran: re-check the user", e.Fix)
	}
	var parts []string
	for _, r := range e.Results {
		s := fmt.Sprintf("%s is %s", r.ID, r.Status)
		if r.Subject != "" {
			s += " for " + r.Subject
		}
		if r.Summary != "" {
			s += " (" + strings.TrimSuffix(r.Summary, ".") + ")"
		}
		parts = append(parts, s)
	}
	what := "it offers no " + e.Fix
	if e.Passing() {
		what = "nothing to fix"
	}
	return strings.Join(parts, "; ") + ": " + what
}

// Passing reports whether every check that would offer the fix passes: the fix is not needed, or
// already applied.
func (e *NotOfferedError) Passing() bool {
	for _, r := range e.Results {
		if r.Status != checks.Pass && r.Status != checks.Skip {
			return false
		}
	}
	return len(e.Results) > 0
}

// NewDraft finds the fix among the results of a run on f. It fails with *NotOfferedError when no
// result offers it.
func NewDraft(f *facts.Facts, results []checks.Result, fixID string) (*Draft, error) {
	info, err := lookup(fixID)
	if err != nil {
		return nil, err
	}
	d := &Draft{Fix: fixID, info: info, f: f, results: results}
	var related []checks.Result
	for _, r := range results {
		if !slices.Contains(info.offeredBy, r.ID) {
			continue
		}
		related = append(related, r)
		offered := false
		for _, fx := range r.Fixes {
			if fx.ID == fixID {
				d.cands = append(d.cands, candidate{result: r, fix: fx})
				offered = true
			}
		}
		if offered {
			d.Offered = append(d.Offered, r)
		}
	}
	if len(d.cands) == 0 {
		return nil, &NotOfferedError{Fix: fixID, Results: related}
	}
	d.Needs = d.needs()
	for _, n := range d.Needs {
		if n.Required && len(n.Options) == 0 {
			return nil, &CannotCompleteError{Fix: fixID, Need: n}
		}
	}
	return d, nil
}

// CannotCompleteError says a fix is offered but cannot be completed: a choice it needs has no
// answer to choose from (scope.mdm.add-group for a user in no group).
type CannotCompleteError struct {
	Fix  string
	Need Need
}

func (e *CannotCompleteError) Error() string {
	return fmt.Sprintf("%s cannot be completed: it needs %s, and there is none to choose", e.Fix, e.Need.Prompt)
}

// Plan makes the fix concrete with the operator's choices.
func (d *Draft) Plan(ch Choices) (*Plan, error) {
	c := d.cands[0]
	p := &Plan{Fix: d.Fix, Title: c.fix.Title, User: d.f.Target.User, Checks: d.info.affects,
		Reversible: c.fix.Reversible, Permissions: slices.Clone(c.fix.Permissions), Requests: slices.Clone(c.fix.Requests), choices: ch, extra: d.extra}
	if c.result.Subject != "" && c.result.Subject != p.User {
		p.Subject = c.result.Subject
	}
	var err error
	switch d.Fix {
	case "scope.mdm.add-user-to-group":
		err = d.addUserToGroup(p, ch)
	case "scope.mdm.add-group":
		err = d.addGroup(p, ch)
	case "scope.mam-conflict.remove-user", "scope.mam-conflict.remove-group":
		err = d.leaveMAM(p, ch)
	case "license.assign":
		err = d.assignLicense(p, ch)
	case "devices.duplicates.delete-stale", "devices.duplicates.disable-stale":
		err = d.pickRecord(p, ch)
	case "dns.create-record":
		d.dnsRecord(p)
	case "mfa.registration.policy-not-required":
		err = normalizePut(p)
	case "mfa.registration.create-ca-report-only":
		err = d.createCA(p, ch)
	}
	if err != nil {
		return nil, err
	}
	if err := p.parse(); err != nil {
		return nil, err
	}
	// Titles and notes name groups, SKUs and devices as Graph returned them: data, made printable.
	p.Title, p.Subject = checks.Printable(p.Title), checks.Printable(p.Subject)
	for i := range p.Notes {
		p.Notes[i] = checks.Printable(p.Notes[i])
	}
	for i := range p.Guidance {
		p.Guidance[i] = checks.Printable(p.Guidance[i])
	}
	if role := checks.FixRoleGap(d.f.Operator, d.Fix); role != "" {
		p.Notes = append(p.Notes, "operator.permissions: the signed-in operator holds no role that may apply this "+
			"fix (it needs "+role+
			"), so Graph will refuse it; ask an administrator holding the role, or activate it (Privileged Identity "+
			"Management) and sign in again")
	}
	return p, nil
}

// parse reads the plan's requests into steps.
func (p *Plan) parse() error {
	p.steps = nil
	for _, r := range p.Requests {
		s, err := newStep(r)
		if err != nil {
			return err
		}
		p.steps = append(p.steps, s)
	}
	return nil
}

// Guided reports whether the plan is steps for the operator rather than Graph requests.
func (p *Plan) Guided() bool { return len(p.Requests) == 0 }

// root is the Graph root the check's plan addresses.
func (d *Draft) root() string {
	for _, r := range d.cands[0].fix.Requests {
		if r.Root != "" {
			return r.Root
		}
	}
	return "https://graph.microsoft.com"
}

func (d *Draft) addUserToGroup(p *Plan, ch Choices) error {
	if ch.Group == "" {
		return nil
	}
	g, err := pick(d.f.MDMPolicy.IncludedGroups, ch.Group, "an included group of the "+
		"MDM user scope", func(g facts.Group) bool { return !g.Dynamic })
	if err != nil {
		return err
	}
	root := d.root()
	p.Title = fmt.Sprintf("Add the user to the included group %q", g.DisplayName)
	p.Requests = []checks.Request{checks.AddMember(root, g.ID, d.f.UserID())}
	return nil
}

func (d *Draft) addGroup(p *Plan, ch Choices) error {
	if ch.Group == "" {
		return &ChoiceError{Fix: d.Fix, Need: d.need(ChooseGroup)}
	}
	g, err := pick(d.userGroups(), ch.Group, "a group that holds the user and is not yet in the MDM user scope", nil)
	if err != nil {
		return err
	}
	p.Title = fmt.Sprintf("Add the group %q, which holds the user, to the MDM user scope", g.DisplayName)
	for i, r := range p.Requests {
		if r.Op == checks.OpAddIncluded {
			p.Requests[i] = checks.AddIncluded(r.Root, r.Set, r.Policy, g.ID)
		}
	}
	return nil
}

// userGroups are the groups holding the user (nested membership counts) that the MDM user scope
// does not include yet.
func (d *Draft) userGroups() []facts.Group {
	var out []facts.Group
	for _, g := range d.f.MemberOf {
		if g.Kind != "" && g.Kind != "group" {
			continue
		}
		if d.f.MDMPolicy != nil && slices.ContainsFunc(d.f.MDMPolicy.IncludedGroups, func(x facts.Group) bool { return strings.EqualFold(x.ID, g.ID) }) {
			continue
		}
		out = append(out, g)
	}
	return out
}

// mamGroups are the MAM scope's included groups that hold the user.
func (d *Draft) mamGroups() []facts.Group {
	var out []facts.Group
	if d.f.MAMPolicy == nil {
		return nil
	}
	for _, g := range d.f.MAMPolicy.IncludedGroups {
		if slices.ContainsFunc(d.f.MemberOf, func(m facts.Group) bool { return strings.EqualFold(m.ID, g.ID) }) {
			out = append(out, g)
		}
	}
	return out
}

func (d *Draft) leaveMAM(p *Plan, ch Choices) error {
	if ch.Group == "" {
		return nil
	}
	g, err := pick(d.mamGroups(), ch.Group, "a group of the MAM user scope that holds the user", nil)
	if err != nil {
		return err
	}
	root := d.root()
	if d.Fix == "scope.mam-conflict.remove-user" {
		p.Title = fmt.Sprintf("Remove the user from %q (works for direct membership only)", g.DisplayName)
		p.Requests = []checks.Request{checks.RemoveMember(root, g.ID, d.f.UserID())}
		return nil
	}
	p.Title = fmt.Sprintf("Remove %q from the MAM user scope (affects all its members)", g.DisplayName)
	p.Requests = []checks.Request{checks.RemoveIncluded(root, checks.MAMPolicies, d.f.MAMPolicy.ID, g.ID)}
	return nil
}

// pickRecord plans the stale device record the operator chose among those offered.
func (d *Draft) pickRecord(p *Plan, ch Choices) error {
	var picked []candidate
	for _, c := range d.cands {
		if ch.Device == "" || strings.EqualFold(recordID(c.fix), ch.Device) || strings.EqualFold(c.result.Subject, ch.Device) || strings.EqualFold(checks.Printable(c.result.Subject), ch.Device) {
			picked = append(picked, c)
		}
	}
	switch {
	case len(picked) == 0:
		return fmt.Errorf("%q names none of the stale records "+
			"%s offers: %s", ch.Device, d.Fix, optionList(d.need(ChooseDevice).Options))
	case len(picked) > 1:
		return &ChoiceError{Fix: d.Fix, Need: d.need(ChooseDevice)}
	}
	c := picked[0]
	p.Title, p.Reversible, p.Permissions, p.Requests = c.fix.Title, c.fix.Reversible, slices.Clone(c.fix.Permissions), slices.Clone(c.fix.Requests)
	p.Subject = c.result.Subject
	return nil
}

// recordID is the id of the device record a device fix names.
func recordID(fx checks.Fix) string {
	if len(fx.Requests) == 0 {
		return ""
	}
	return fx.Requests[0].ID
}

func (d *Draft) dnsRecord(p *Plan) {
	p.Title = "Publish the DNS records Windows uses to find the enrollment and registration services"
	p.Guidance = nil
	var subjects []string
	for _, c := range d.cands {
		if c.fix.Guidance != "" && !slices.Contains(p.Guidance, c.fix.Guidance) {
			p.Guidance = append(p.Guidance, c.fix.Guidance)
		}
		if c.result.Subject != "" && !slices.Contains(subjects, c.result.Subject) {
			subjects = append(subjects, c.result.Subject)
		}
	}
	if len(d.cands) == 1 {
		p.Title = d.cands[0].fix.Title
	}
	p.Subject = strings.Join(subjects, ", ")
	p.Requests = nil
	p.Reversible = false
}

// normalizePut drops the response annotations (@odata.context) the check's read left in the policy
// it plans to send back: they describe a response, not a property.
func normalizePut(p *Plan) error {
	for i, r := range p.Requests {
		if r.Op != checks.OpPutRegistration {
			continue
		}
		b, err := withoutAnnotations(r.Body)
		if err != nil {
			return fmt.Errorf("the planned device registration policy is not a JSON object: re-check")
		}
		p.Requests[i].Body = b
	}
	return nil
}

// pick finds a group by id or display name among groups (those ok accepts), or says which there are.
func pick(groups []facts.Group, want, what string, ok func(facts.Group) bool) (facts.Group, error) {
	var options []Option
	var found []facts.Group
	for _, g := range groups {
		if ok != nil && !ok(g) {
			continue
		}
		options = append(options, Option{Value: g.ID, Label: g.DisplayName})
		if strings.EqualFold(g.ID, want) || strings.EqualFold(g.DisplayName, want) || strings.EqualFold(checks.Printable(g.DisplayName), want) {
			found = append(found, g)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return facts.Group{}, fmt.Errorf("%d groups are named %q: give the group's id "+
			"instead (%s)", len(found), want, optionList(options))
	case len(options) == 0:
		return facts.Group{}, fmt.Errorf("%q is not %s, and there is none to choose from", want, what)
	}
	return facts.Group{}, fmt.Errorf("%q is not %s: choose one of %s", want, what, optionList(options))
}

func optionList(opts []Option) string {
	var parts []string
	for _, o := range printableOptions(slices.Clone(opts)) {
		if o.Label != "" && o.Label != o.Value {
			parts = append(parts, fmt.Sprintf("%s (%s)", o.Value, o.Label))
			continue
		}
		parts = append(parts, o.Value)
	}
	return strings.Join(parts, ", ")
}

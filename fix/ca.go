package fix

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The report-only Conditional Access policy of mfa.registration.create-ca-report-only must not lock
// anyone out once switched on: it keeps the exclusions that every enabled All-users policy of the
// tenant shares (its emergency access accounts, which Microsoft says to exclude from every policy:
// https://learn.microsoft.com/en-us/entra/identity/conditional-access/how-to-policy-mfa-device-register-join),
// names them in the preview, takes more from --exclude-group and --exclude-user, and says how many
// users it would cover.

// Resolve reads the groups and users named by --exclude-group and --exclude-user that the check's
// facts do not already hold, so that the plan can name them and count whom they reach. It reads
// nothing for other fixes or when no such choice is made.
func (d *Draft) Resolve(ctx context.Context, r Reader, ch Choices) error {
	if d.Fix != "mfa.registration.create-ca-report-only" {
		return nil
	}
	root := d.root()
	for _, g := range ch.ExcludeGroups {
		if _, ok := d.knownGroup(g); ok {
			continue
		}
		o, err := readGroup(ctx, r, root, g)
		if err != nil {
			return err
		}
		d.extra = append(d.extra, excluded{kind: "group", obj: o})
	}
	for _, u := range ch.ExcludeUsers {
		if _, ok := d.knownUser(u); ok {
			continue
		}
		raw, err := get(ctx, r, root+"/v1.0/users/"+url.PathEscape(u)+"?$select=id,displayName,userPrincipalName")
		if err != nil {
			return err
		}
		if raw == nil {
			return fmt.Errorf("--exclude-user %q: no such user in this tenant: give a user principal name "+
				"or object id", u)
		}
		var w struct{ ID, DisplayName, UserPrincipalName string }
		if err := json.Unmarshal(raw, &w); err != nil || w.ID == "" {
			return fmt.Errorf("--exclude-user %q: Graph's answer holds no user", u)
		}
		d.extra = append(d.extra, excluded{kind: "user", obj: facts.DirectoryObject{ID: w.ID, DisplayName: w.DisplayName,
			UserPrincipalName: w.UserPrincipalName, UserIDs: []string{w.ID}, Found: true}})
	}
	return nil
}

// excluded is a group or user an --exclude flag named, as read.
type excluded struct {
	kind string
	obj  facts.DirectoryObject
}

// readGroup finds a group by id or display name and reads its transitive user members.
func readGroup(ctx context.Context, r Reader, root, g string) (facts.DirectoryObject, error) {
	var found []json.RawMessage
	raw, err := get(ctx, r, root+"/v1.0/groups/"+url.PathEscape(g)+"?$select=id,displayName")
	switch {
	case err == nil && raw != nil:
		found = []json.RawMessage{raw}
	default:
		filter := "displayName eq '" + strings.ReplaceAll(g, "'", "''") + "'"
		found, err = list(ctx, r, root+"/v1.0/groups?$filter="+url.QueryEscape(filter)+"&$select=id,displayName")
		if err != nil {
			return facts.DirectoryObject{}, err
		}
	}
	switch len(found) {
	case 0:
		return facts.DirectoryObject{}, fmt.Errorf("--exclude-group %q: no group has that id or display name", g)
	case 1:
	default:
		return facts.DirectoryObject{}, fmt.Errorf("--exclude-group %q: %d groups have that name: give the "+
			"group's object id", g, len(found))
	}
	var w struct{ ID, DisplayName string }
	if err := json.Unmarshal(found[0], &w); err != nil || w.ID == "" {
		return facts.DirectoryObject{}, fmt.Errorf("--exclude-group %q: Graph's answer holds no group", g)
	}
	members, err := list(ctx, r, root+"/v1.0/groups/"+url.PathEscape(w.ID)+"/transitiveMembers/microsoft.graph.user?$select=id&$top=999")
	if err != nil {
		return facts.DirectoryObject{}, err
	}
	o := facts.DirectoryObject{ID: w.ID, DisplayName: w.DisplayName, Found: true}
	for _, m := range members {
		var u struct{ ID string }
		if json.Unmarshal(m, &u) == nil && u.ID != "" {
			o.UserIDs = append(o.UserIDs, u.ID)
		}
	}
	return o, nil
}

// knownGroup finds a group the check already read (an excluded group, or one of the user's
// groups, whose members are then unknown) by id or display name.
func (d *Draft) knownGroup(g string) (facts.DirectoryObject, bool) {
	if x := d.f.CAExclusions; x != nil {
		for _, o := range x.Groups {
			if strings.EqualFold(o.ID, g) || (o.DisplayName != "" && strings.EqualFold(o.DisplayName, g)) {
				return o, true
			}
		}
	}
	for _, e := range d.extra {
		if e.kind == "group" && (strings.EqualFold(e.obj.ID, g) || strings.EqualFold(e.obj.DisplayName, g)) {
			return e.obj, true
		}
	}
	return facts.DirectoryObject{}, false
}

// knownUser finds a user the check already read (an excluded user) by id or user principal name.
func (d *Draft) knownUser(u string) (facts.DirectoryObject, bool) {
	if x := d.f.CAExclusions; x != nil {
		for _, o := range x.Users {
			if strings.EqualFold(o.ID, u) || (o.UserPrincipalName != "" && strings.EqualFold(o.UserPrincipalName, u)) {
				return o, true
			}
		}
	}
	for _, e := range d.extra {
		if e.kind == "user" && (strings.EqualFold(e.obj.ID, u) || strings.EqualFold(e.obj.UserPrincipalName, u)) {
			return e.obj, true
		}
	}
	return facts.DirectoryObject{}, false
}

// createCA makes the report-only policy concrete: the shared exclusions, those the operator adds,
// the preview's list of them by name, and whom the policy would cover.
func (d *Draft) createCA(p *Plan, ch Choices) error {
	x := d.f.CAExclusions
	if st := d.f.Status(facts.SrcCAExclusions); st.State != facts.Loaded || x == nil {
		why := st.Reason
		if why == "" {
			why = "they were not read"
		}
		return fmt.Errorf("the exclusions of the tenant's enabled All-users Conditional Access policies could not "+
			"be read (%s): "+
			"mdmdoctor creates no policy that might lock out the emergency access accounts; grant Directory.Read.All "+
			"and run the fix again", why)
	}
	if len(x.Unreadable) > 0 {
		return fmt.Errorf("some exclusions of the tenant's enabled All-users Conditional Access policies could not "+
			"be read (%s): "+
			"mdmdoctor creates no policy whose exclusions it cannot name; grant Directory.Read.All and run "+
			"the fix again", checks.Printable(strings.Join(x.Unreadable, "; ")))
	}
	users, groups, roles, from := facts.SharedExclusions(d.f.CAPolicies)
	reached := map[string]bool{}
	var names []string
	name := func(kind string, o facts.DirectoryObject) string {
		s := kind + " " + quoteName(o)
		switch {
		case !o.Found && kind != "role":
			s += " (no longer in the directory)"
		case kind != "user":
			s += fmt.Sprintf(" (%d user%s)", len(o.UserIDs), plural(len(o.UserIDs)))
		}
		for _, id := range o.UserIDs {
			reached[strings.ToLower(id)] = true
		}
		return s
	}
	for _, o := range x.Users {
		names = append(names, name("user", o))
	}
	for _, o := range x.Groups {
		names = append(names, name("group", o))
	}
	for _, o := range x.Roles {
		names = append(names, name("role", o))
	}
	for _, u := range users {
		if !slices.ContainsFunc(x.Users, func(o facts.DirectoryObject) bool { return strings.EqualFold(o.ID, u) }) {
			names = append(names, "users "+quote(u)) // a keyword such as GuestsOrExternalUsers
		}
	}
	if len(from) == 0 {
		p.Notes = append(p.Notes, "the tenant has no enabled Conditional Access policy for All users, so there are "+
			"no shared exclusions to keep")
	} else if len(names) == 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("the enabled All-users policies (%s) share no exclusion", quoteAll(from)))
	} else {
		p.Notes = append(p.Notes, fmt.Sprintf("keeps the exclusions every enabled All-users policy "+
			"(%s) has: %s", quoteAll(from), strings.Join(names, ", ")))
	}
	var added []string
	for _, g := range ch.ExcludeGroups {
		o, ok := d.knownGroup(g)
		if !ok {
			return fmt.Errorf("--exclude-group %q was not looked up: run the fix from the command line, "+
				"which reads it", g)
		}
		if !slices.ContainsFunc(groups, func(id string) bool { return strings.EqualFold(id, o.ID) }) {
			groups = append(groups, o.ID)
			added = append(added, name("group", o))
		}
	}
	for _, u := range ch.ExcludeUsers {
		o, ok := d.knownUser(u)
		if !ok {
			return fmt.Errorf("--exclude-user %q was not looked up: run the fix from the command line, "+
				"which reads it", u)
		}
		if !slices.ContainsFunc(users, func(id string) bool { return strings.EqualFold(id, o.ID) }) {
			users = append(users, o.ID)
			added = append(added, name("user", o))
		}
	}
	if len(added) > 0 {
		p.Notes = append(p.Notes, "also excludes, as asked: "+strings.Join(added, ", "))
	}
	if len(users)+len(groups)+len(roles) == 0 {
		p.Notes = append(p.Notes, "excludes no one: add the emergency access accounts with --exclude-group or "+
			"--exclude-user before switching it on")
	}
	if x.TenantUsers >= 0 {
		covered := max(x.TenantUsers-len(reached), 0)
		n := fmt.Sprintf("would cover %d of the tenant's %d users (%d excluded)", covered, x.TenantUsers, len(reached))
		if len(roles) > 0 {
			n += "; role holders are counted by their active role assignments, not eligible ones"
		}
		p.Notes = append(p.Notes, n)
	} else {
		p.Notes = append(p.Notes, "Graph did not say how many users the tenant has, so the number the policy would "+
			"cover is unknown")
	}
	for i := range p.Notes {
		p.Notes[i] = checks.Printable(p.Notes[i])
	}
	p.Requests[0].Body = checks.NewRegistrationMFAPolicy(users, groups, roles)
	return nil
}

func quoteName(o facts.DirectoryObject) string {
	switch {
	case o.UserPrincipalName != "":
		return fmt.Sprintf("%q <%s>", o.DisplayName, o.UserPrincipalName)
	case o.DisplayName != "":
		return fmt.Sprintf("%q", o.DisplayName)
	}
	return o.ID
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func quoteAll(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = quote(s)
	}
	return strings.Join(out, ", ")
}

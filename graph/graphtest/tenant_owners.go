package graphtest

// deviceRelation serves GET /devices/{id}/registeredOwners and /devices/{id}/registeredUsers: the
// device's users as a directoryObject collection, which $select and paging apply to as to any list.
func (c *call) deviceRelation(id, rel string) response {
	d := findObject(c.t.Devices, "id", id)
	if d == nil {
		return errNotFound(id)
	}
	if rel != "registeredOwners" && rel != "registeredUsers" {
		return c.noSegment(rel)
	}
	var out []Object
	for _, uid := range d.strings(rel) {
		if u := findObject(c.t.Users, "id", uid); u != nil {
			out = append(out, withType(u, "user"))
		}
	}
	return c.list("", out, nil)
}

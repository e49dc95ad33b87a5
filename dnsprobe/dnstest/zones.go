package dnstest

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// zone is one parsed zone file: its records by canonical owner name.
type zone struct {
	origin string // canonical, with the trailing dot
	soa    *dns.SOA
	rrs    map[string][]dns.RR
}

// zoneSet is every zone a server holds, the most specific first so that a child zone wins over its
// parent when both are loaded.
type zoneSet []*zone

// loadZones parses every *.zone file at the root of fsys. A file's origin is its name without the
// .zone suffix (contoso.com.zone is contoso.com.) unless the file sets $ORIGIN itself.
func loadZones(fsys fs.FS) (zoneSet, error) {
	names, err := fs.Glob(fsys, "*.zone")
	if err != nil {
		return nil, fmt.Errorf("list zone files: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no *.zone file found: give Options.Zones a directory holding RFC 1035 zone files")
	}
	var zs zoneSet
	for _, name := range names {
		z, err := parseZone(fsys, name)
		if err != nil {
			return nil, err
		}
		zs = append(zs, z)
	}
	slices.SortFunc(zs, func(a, b *zone) int {
		return cmp.Or(dns.CountLabel(b.origin)-dns.CountLabel(a.origin), strings.Compare(a.origin, b.origin))
	})
	return zs, nil
}

func parseZone(fsys fs.FS, name string) (*zone, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open zone file: %w", err)
	}
	defer f.Close()
	origin := dns.CanonicalName(strings.TrimSuffix(path.Base(name), ".zone"))
	zp := dns.NewZoneParser(f, origin, name)
	zp.SetDefaultTTL(3600)
	z := &zone{rrs: map[string][]dns.RR{}}
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		owner := dns.CanonicalName(rr.Header().Name)
		if soa, isSOA := rr.(*dns.SOA); isSOA {
			z.soa, z.origin = soa, owner
		}
		z.rrs[owner] = append(z.rrs[owner], rr)
	}
	if err := zp.Err(); err != nil {
		return nil, fmt.Errorf("zone file %s: %w", name, err)
	}
	if z.soa == nil {
		return nil, fmt.Errorf("zone file %s has no SOA record: add one at the zone apex", name)
	}
	return z, nil
}

// find returns the most specific zone holding name, or nil.
func (zs zoneSet) find(name string) *zone {
	for _, z := range zs {
		if dns.IsSubDomain(z.origin, name) {
			return z
		}
	}
	return nil
}

// exists reports whether name owns records or is an empty non-terminal (a name with records below
// it): the difference between NODATA and NXDOMAIN.
func (z *zone) exists(name string) bool {
	if len(z.rrs[name]) > 0 {
		return true
	}
	for owner := range z.rrs {
		if owner != name && dns.IsSubDomain(name, owner) {
			return true
		}
	}
	return false
}

// records returns name's records of type t (every type for ANY), as copies the caller may change.
func (z *zone) records(name string, t uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range z.rrs[name] {
		if t == dns.TypeANY || rr.Header().Rrtype == t {
			out = append(out, dns.Copy(rr))
		}
	}
	return out
}

// cname returns name's CNAME record, if it has one.
func (z *zone) cname(name string) *dns.CNAME {
	for _, rr := range z.rrs[name] {
		if c, ok := rr.(*dns.CNAME); ok {
			return dns.Copy(c).(*dns.CNAME)
		}
	}
	return nil
}

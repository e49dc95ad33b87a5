package serve

import (
	"net/netip"
	"testing"
	"time"
)

func TestFromAllows(t *testing.T) {
	tests := []struct {
		patterns string
		addr     string
		want     bool
	}{
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.2", "127.0.0.1", false},
		{"10.0.0.0/8", "10.1.2.3", true},
		{"10.0.0.0/8", "11.1.2.3", false},
		{"192.168.1.*", "192.168.1.40", true},
		{"192.168.1.?", "192.168.1.40", false},
		{"*,!192.168.1.40", "192.168.1.40", false},
		{"!10.0.0.0/8,*", "10.9.9.9", false},
		{"!10.0.0.0/8,*", "172.16.0.1", true},
		{"!10.0.0.0/8", "172.16.0.1", false}, // a negation alone never allows
		{"2001:db8::/32", "2001:db8::1", true},
		{"10.0.0.0/8", "::ffff:10.0.0.1", true}, // a mapped IPv4 address is matched as IPv4
		{"*.example.com", "10.0.0.1", false},    // no DNS: host names never match, as sshd without UseDNS
	}
	for _, tt := range tests {
		if got := fromAllows(splitPatterns(tt.patterns), netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("from=%q for %s = %v, want %v", tt.patterns, tt.addr, got, tt.want)
		}
	}
}

func splitPatterns(s string) []string {
	ko, err := parseKeyOptions([]string{`from="` + s + `"`}, time.UTC)
	if err != nil {
		panic(err)
	}
	return ko.from
}

func TestParseKeyOptions(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		opt     string
		expiry  time.Time
		wantErr bool
	}{
		{`expiry-time="20301231"`, time.Date(2030, 12, 31, 0, 0, 0, 0, berlin), false},
		{`expiry-time="203012311530"`, time.Date(2030, 12, 31, 15, 30, 0, 0, berlin), false},
		{`expiry-time="20301231153045Z"`, time.Date(2030, 12, 31, 15, 30, 45, 0, time.UTC), false},
		{`expiry-time="2030-12-31"`, time.Time{}, true},
		{`expiry-time="20301340"`, time.Time{}, true},
		{`from="10.0.0.0/33"`, time.Time{}, true},
		{`from=""`, time.Time{}, true},
		{`restrict`, time.Time{}, false},
		{`environment="NO_COLOR=1"`, time.Time{}, false},
		{`cert-authority`, time.Time{}, true},
		{`no-such-option`, time.Time{}, true},
	}
	for _, tt := range tests {
		ko, err := parseKeyOptions([]string{tt.opt}, berlin)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want error %v", tt.opt, err, tt.wantErr)
			continue
		}
		if !ko.expiry.Equal(tt.expiry) {
			t.Errorf("%s: expiry %v, want %v", tt.opt, ko.expiry, tt.expiry)
		}
	}
}

func TestForwardAllowed(t *testing.T) {
	tests := []struct {
		opts []string
		want bool
	}{
		{nil, true},
		{[]string{"restrict"}, false},
		{[]string{"restrict", "port-forwarding"}, true},
		{[]string{"no-port-forwarding"}, false},
		{[]string{`permitopen="localhost:8400"`}, true},
		{[]string{`permitopen="localhost:*"`}, true},
		{[]string{`permitopen="localhost:9000"`}, false},
		{[]string{`permitopen="127.0.0.1:8400"`}, false}, // sshd compares the name as given
	}
	for _, tt := range tests {
		ko, err := parseKeyOptions(tt.opts, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if got := ko.forwardAllowed("localhost", 8400); got != tt.want {
			t.Errorf("%q: forward to localhost:8400 = %v, want %v", tt.opts, got, tt.want)
		}
	}
}

package serve

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// keyOptions are the authorized_keys options of one line that the server honours. Forwarding of any
// kind (port, agent, X11, tunnel) is never offered by this server, so no-*-forwarding, restrict and
// permitopen/permitlisten hold for every key already. restrict also forbids a PTY in sshd; here a
// PTY is required to use the server at all, so it is allowed under restrict.
type keyOptions struct {
	// from is the from= pattern list, empty when absent.
	from []string
	// expiry is the expiry-time= instant, zero when absent.
	expiry time.Time
	// noForwarding: restrict (unless port-forwarding follows) or no-port-forwarding. The only
	// forward the server ever opens is to the session's own sign-in redirect port.
	noForwarding bool
	// permitOpen limits that forward to these host:port destinations, when given.
	permitOpen []string
}

// parseKeyOptions reads the options of one authorized_keys line as ssh.ParseAuthorizedKey returns
// them (name or name="value"). An option the server cannot honour refuses the key: the error says why.
// Option meanings: https://man.openbsd.org/sshd#AUTHORIZED_KEYS_FILE_FORMAT
func parseKeyOptions(opts []string, loc *time.Location) (keyOptions, error) {
	var ko keyOptions
	for _, o := range opts {
		name, value, hasValue := strings.Cut(o, "=")
		name = strings.ToLower(name)
		value = unquoteOption(value)
		switch name {
		case "restrict", "no-port-forwarding":
			ko.noForwarding = true
		case "port-forwarding":
			ko.noForwarding = false
		case "permitopen":
			ko.permitOpen = append(ko.permitOpen, strings.ToLower(value))
		case "no-agent-forwarding", "no-x11-forwarding", "no-user-rc", "permitlisten", "pty", "agent-forwarding",
			"x11-forwarding", "user-rc", "tunnel":
			// Agent, X11, tunnel and remote forwarding are never offered and no rc file is run,
			// whatever the option says; pty is required.
		case "environment":
			// Ignored, as sshd ignores it by default (PermitUserEnvironment no).
		case "from":
			if !hasValue || value == "" {
				return ko, fmt.Errorf("from= without a pattern list")
			}
			ko.from = strings.Split(value, ",")
			if err := checkFromPatterns(ko.from); err != nil {
				return ko, err
			}
		case "expiry-time":
			t, err := parseExpiry(value, loc)
			if err != nil {
				return ko, err
			}
			ko.expiry = t
		case "no-pty":
			return ko, fmt.Errorf("no-pty: the server only serves a terminal UI, which needs a PTY")
		case "command":
			return ko, fmt.Errorf("command=: the server runs only mdmdoctor, never a forced command")
		case "cert-authority", "principals":
			return ko, fmt.Errorf("%s: certificate authorities are not supported; list the operator's own key", name)
		case "no-touch-required", "verify-required":
			return ko, fmt.Errorf("%s: security-key flags are not checked by this server", name)
		default:
			return ko, fmt.Errorf("unknown option %q", name)
		}
	}
	return ko, nil
}

// unquoteOption strips the double quotes around an option's value and undoes \" inside, as sshd does.
func unquoteOption(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return strings.ReplaceAll(v, `\"`, `"`)
}

// parseExpiry reads YYYYMMDD[HHMM[SS]][Z]: local time (loc) unless Z, which means UTC. A date alone
// means its midnight, as in sshd.
func parseExpiry(v string, loc *time.Location) (time.Time, error) {
	s := v
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		s, loc = s[:len(s)-1], time.UTC
	}
	layouts := map[int]string{8: "20060102", 12: "200601021504", 14: "20060102150405"}
	layout, ok := layouts[len(s)]
	if !ok {
		return time.Time{}, fmt.Errorf("expiry-time=%q: want YYYYMMDD[HHMM[SS]][Z]", v)
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("expiry-time=%q: want YYYYMMDD[HHMM[SS]][Z]", v)
	}
	return t, nil
}

// checkFromPatterns refuses a pattern list sshd would refuse: an empty pattern or a malformed CIDR.
func checkFromPatterns(patterns []string) error {
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "!")
		if p == "" {
			return fmt.Errorf("from=: empty pattern")
		}
		if strings.Contains(p, "/") {
			if _, err := netip.ParsePrefix(p); err != nil {
				return fmt.Errorf("from=: %q is not an address/prefix", p)
			}
		}
	}
	return nil
}

// fromAllows matches the client's address against a from= pattern list as sshd's
// match_host_and_ip does without UseDNS (its default): the host name is the address itself. A
// negated match refuses at once; otherwise one positive match is needed. Patterns are CIDR blocks
// (addr/len) or wildcards (* and ?) over the address's text.
func fromAllows(patterns []string, addr netip.Addr) bool {
	addr = addr.Unmap()
	text := addr.String()
	allowed := false
	for _, p := range patterns {
		negated := strings.HasPrefix(p, "!")
		p = strings.ToLower(strings.TrimPrefix(p, "!"))
		var match bool
		if strings.Contains(p, "/") {
			prefix, err := netip.ParsePrefix(p)
			match = err == nil && prefix.Contains(addr)
		} else {
			match = wildcard(p, text)
		}
		switch {
		case match && negated:
			return false
		case match:
			allowed = true
		}
	}
	return allowed
}

// forwardAllowed says whether these options let the client forward to host:port, as sshd reads
// restrict, no-port-forwarding and permitopen="host:port" (port may be *).
func (ko keyOptions) forwardAllowed(host string, port uint32) bool {
	if ko.noForwarding {
		return false
	}
	if len(ko.permitOpen) == 0 {
		return true
	}
	for _, p := range ko.permitOpen {
		h, pp, ok := strings.Cut(p, ":")
		if ok && h == strings.ToLower(host) && (pp == "*" || pp == fmt.Sprint(port)) {
			return true
		}
	}
	return false
}

// wildcard matches s against a pattern of * (any run) and ? (one character), sshd's match_pattern.
func wildcard(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcard(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}

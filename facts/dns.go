package facts

import "time"

// DNS record kinds probed for each domain.
const (
	RecordEnrollment   = "EnterpriseEnrollment"
	RecordRegistration = "EnterpriseRegistration"
)

// DNSProbe is the evidence for one name (EnterpriseEnrollment.<domain> or EnterpriseRegistration.<domain>)
// from every vantage point that was asked.
type DNSProbe struct {
	// Domain is the domain as the operator wrote it, normalised (lower case, punycode, no trailing dot).
	Domain string
	// Record is RecordEnrollment or RecordRegistration.
	Record string
	// Name is the fully qualified name that was asked, with the trailing dot.
	Name     string
	Vantages []DNSVantage
}

// Vantage point kinds.
const (
	VantageResolver      = "resolver"
	VantageAuthoritative = "authoritative"
)

// DNSVantage is what one server answered, following the CNAME chain from the probed name.
type DNSVantage struct {
	// Server is host:port of the server asked.
	Server string
	// Kind is VantageResolver or VantageAuthoritative.
	Kind string
	// Err is set when the server could not give an answer (timeout, refused, SERVFAIL, unreachable):
	// evidence about the vantage point, never a verdict on the record.
	Err string
	// Rcode of the last answer, e.g. NOERROR, NXDOMAIN, SERVFAIL.
	Rcode string
	// Chain is every record followed from the probed name, in order.
	Chain []DNSRecord
	// Loop is true when the chain came back to a name it had already visited.
	Loop bool
	// TooLong is true when the chain was cut at the length bound.
	TooLong bool
	// TCP is true when an answer was truncated over UDP and fetched again over TCP.
	TCP bool
	// Authoritative and AuthenticData are the AA and AD flags of the last answer.
	Authoritative bool
	AuthenticData bool
	Duration      time.Duration
}

// DNSRecord is one record of a chain.
type DNSRecord struct {
	Name  string // owner name, with trailing dot
	Type  string // CNAME, A, AAAA, ...
	Value string // target name or address
	TTL   uint32
}

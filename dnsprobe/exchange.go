package dnsprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

// ednsSize is the UDP payload size advertised with EDNS0: the 2020 DNS flag day value, which avoids
// IP fragmentation on every common path.
const ednsSize = 1232

// exchange asks server one question over UDP with EDNS0, and again over TCP when the UDP answer comes
// back truncated. rd sets Recursion Desired: on for resolvers, off for authoritative servers. It
// reports whether the answer came over TCP.
func (p *Prober) exchange(ctx context.Context, server, name string, qtype uint16, rd bool) (*dns.Msg, bool, error) {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.RecursionDesired = rd
	// RFC 6840 section 5.7: AD in a query asks a validating resolver to report AD without the
	// DNSSEC records that DO would bring.
	m.AuthenticatedData = true
	m.SetEdns0(ednsSize, false)

	r, err := p.exchangeOver(ctx, "udp", server, m)
	if err != nil || !r.Truncated {
		return r, false, err
	}
	r, err = p.exchangeOver(ctx, "tcp", server, m)
	if err != nil {
		return nil, true, fmt.Errorf("truncated over UDP, then over TCP: %w", err)
	}
	return r, true, nil
}

// exchangeOver sends m once over one transport, bounded by QueryTimeout and by ctx, cancellation
// included (the DNS client itself only watches deadlines).
func (p *Prober) exchangeOver(ctx context.Context, network, server string, m *dns.Msg) (*dns.Msg, error) {
	timeout := p.queryTimeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := &dns.Client{Net: network, Timeout: timeout}
	start := time.Now()
	co, err := c.DialContext(ctx, server)
	if err != nil {
		return nil, describe(ctx, network, err, time.Since(start))
	}
	defer co.Close()
	stop := context.AfterFunc(ctx, func() { _ = co.SetDeadline(time.Now()) })
	defer stop()
	r, _, err := c.ExchangeWithConnContext(ctx, m, co)
	if err == nil {
		err = mismatch(m, r)
	}
	if p.Log != nil {
		q := m.Question[0]
		attrs := []any{"server", server, "net", network, "name", q.Name, "type", dns.TypeToString[q.Qtype],
			"rd", m.RecursionDesired, "took", time.Since(start)}
		if err != nil {
			attrs = append(attrs, "err", err)
		} else {
			attrs = append(attrs, "rcode", dns.RcodeToString[r.Rcode], "answers", len(r.Answer), "tc", r.Truncated)
		}
		p.Log.DebugContext(ctx, "dns query", attrs...)
	}
	if err != nil {
		return nil, describe(ctx, network, err, time.Since(start))
	}
	return r, nil
}

// describe turns a transport error into evidence a network engineer reads at a glance.
func describe(ctx context.Context, network string, err error, waited time.Duration) error {
	var ne net.Error
	var de *dns.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("unreachable over %s: connection refused (nothing listens on that port)", network)
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return fmt.Errorf("unreachable over %s: no route to the server", network)
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		if errors.Is(ctx.Err(), context.Canceled) {
			return fmt.Errorf("cancelled before an answer over %s", network)
		}
		return fmt.Errorf("timeout: no answer over %s after %s", network, waited.Round(10*time.Millisecond))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("the server closed the connection over %s without a whole answer (a firewall or "+
			"load balancer that drops DNS over %s?)", network, network)
	case errors.As(err, &de):
		// The DNS library's own errors: the reply did not decode.
		return fmt.Errorf("the reply over %s is not a valid DNS message (%v): a broken server or a middlebox "+
			"on the path", network, err)
	}
	return fmt.Errorf("over %s: %w", network, err)
}

// mismatch says why r is no answer to m, if it is not: the DNS library takes any message with the
// query's ID, even the query itself echoed back or an answer to another name, which would read as a
// name without records.
func mismatch(m, r *dns.Msg) error {
	if !r.Response {
		return errors.New("the reply is not an answer (QR bit clear, the query sent back?): a broken server or " +
			"a middlebox on the path")
	}
	if len(r.Question) == 0 {
		// Some servers leave the question out of REFUSED and FORMERR answers.
		return nil
	}
	q, a := m.Question[0], r.Question[0]
	if a.Qtype != q.Qtype || a.Qclass != q.Qclass || dns.CanonicalName(a.Name) != dns.CanonicalName(q.Name) {
		return fmt.Errorf("the reply answers another question (%s %s), not %s %s: a broken server or a middlebox "+
			"on the path", a.Name, dns.TypeToString[a.Qtype], q.Name, dns.TypeToString[q.Qtype])
	}
	return nil
}

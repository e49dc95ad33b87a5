package dnstest

import (
	"encoding/binary"

	"github.com/miekg/dns"
)

// Faults make a server misbehave as broken servers and middleboxes do. At most one should be set;
// when several are, Reset (over TCP) wins over Garbage, which wins over CutShort.
type Faults struct {
	// Garbage answers every query with bytes that carry the query's ID and the QR bit, so that a
	// client cannot drop them as a stray packet, but that are no DNS message.
	Garbage bool
	// CutShort sends the real answer cut off inside its records, the TC flag clear: what a broken
	// middlebox or a message length that lies produces.
	CutShort bool
	// Reset closes every TCP connection without answering, while UDP is answered as usual: a firewall
	// or load balancer that drops DNS over TCP. With Truncate it breaks the fallback to TCP.
	Reset bool
}

// garbage is the body sent after the ID: flags with QR set, then counts that promise records the
// packet does not hold, then bytes that decode as nothing.
var garbage = []byte{0x81, 0x80, 0x00, 0x01, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x3f, 0xc0, 0xff, 0x7f, '<', 'h', 't', 'm', 'l', '>'}

// spoil answers r as the faults say and reports whether it did, in which case serve sends nothing else.
func (s *Server) spoil(w dns.ResponseWriter, r *dns.Msg, tcp bool) bool {
	f := s.opts.Faults
	switch {
	case f.Reset && tcp:
		_ = w.Close()
		return true
	case f.Garbage:
		b := make([]byte, 2, 2+len(garbage))
		binary.BigEndian.PutUint16(b, r.Id)
		_, _ = w.Write(append(b, garbage...))
		return true
	case f.CutShort:
		b, err := s.reply(r, tcp).Pack()
		if err != nil {
			return false
		}
		// Past the 12-byte header and the question, inside the first record (or the question
		// itself, for an answer without records).
		_, _ = w.Write(b[:max(13, len(b)-len(b)/3)])
		return true
	}
	return false
}

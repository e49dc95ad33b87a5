package graphtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// Spoil says how a fault spoils the answer the route would otherwise give: the failures of a
// network, a proxy or a service that answers in a shape no client expects.
type Spoil int

// Ways to spoil an answer.
const (
	SpoilNone Spoil = iota
	// SpoilReset sends the status, the headers (with the full Content-Length) and half the body,
	// then drops the connection. Inside a $batch, where one item cannot be cut alone, the item's
	// body becomes a JSON string holding half of it, as SpoilMalformed.
	SpoilReset
	// SpoilMalformed sends half the body as if it were all of it: JSON that ends early. Inside a
	// $batch the item's body becomes a JSON string holding half of it, the way Graph wraps a body
	// that is not JSON.
	SpoilMalformed
	// SpoilErrorBody answers 200 with Graph's error body in place of the data.
	SpoilErrorBody
	// SpoilDrop leaves a $batch item out of the $batch response. A plain request gets its
	// connection dropped before any answer.
	SpoilDrop
)

// spoil applies s to the routed answer r. Spoils that need the connection (a reset, a body cut
// short) are left for writeResponse; inside a $batch they become an item body instead.
func spoil(r response, s Spoil, inBatch bool) response {
	switch s {
	case SpoilErrorBody:
		e := errorResponse(http.StatusBadRequest, "generalException", "The service could not process the request.")
		e.status = http.StatusOK
		return e
	case SpoilReset, SpoilMalformed:
		if inBatch {
			b, _ := json.Marshal(r.body)
			r.body = string(b[:len(b)/2])
			return r
		}
	}
	r.spoil = s
	return r
}

// writeSpoiled writes a response whose body a fault cuts short, or drops the connection.
func writeSpoiled(w http.ResponseWriter, status int, body []byte, s Spoil) {
	half := body[:len(body)/2]
	switch s {
	case SpoilMalformed:
		w.Header().Set("Content-Length", strconv.Itoa(len(half)))
		w.WriteHeader(status)
		_, _ = w.Write(half)
	case SpoilReset:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = bytes.NewReader(half).WriteTo(w)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		// net/http closes the connection without finishing the response.
		panic(http.ErrAbortHandler)
	default:
		panic(http.ErrAbortHandler)
	}
}

package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Error is a Graph request that failed, explained for the operator. It is the one type of this
// package's Graph errors: whole requests and batch items, reads and the sweep alike.
type Error struct {
	// Status is the HTTP status (0 when the request never got an answer).
	Status int
	// Code and Message are Graph's own error code and message, when it sent them.
	Code    string
	Message string
	// RequestID, ClientRequestID and Date name the failed request at Microsoft (Graph's innerError,
	// or the answer's headers): what Microsoft support asks for. Date is as Graph wrote it (UTC).
	RequestID       string
	ClientRequestID string
	Date            string
	// Advice says what to do next.
	Advice string
}

func (e *Error) Error() string {
	s := e.Advice
	// Graph's own words are outside input: folded to one line so an error stays one line.
	code, msg := oneLine(e.Code), oneLine(e.Message)
	switch {
	case code != "" || msg != "":
		s += fmt.Sprintf(" (Graph said %d %s: %s%s)", e.Status, code, msg, e.reference())
	case e.Status != 0:
		s += fmt.Sprintf(" (HTTP %d%s)", e.Status, e.reference())
	}
	return s
}

// reference is "; request-id X, client-request-id Y, date Z" with the parts Graph sent, for the
// operator to quote to Microsoft support.
func (e *Error) reference() string {
	var parts []string
	for _, p := range [][2]string{{"request-id", e.RequestID}, {"client-request-id", e.ClientRequestID}, {"date", e.Date}} {
		if v := oneLine(p[1]); v != "" {
			parts = append(parts, p[0]+" "+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, ", ")
}

// Unwrap gives Graph's error in the SDK's model, for code that handles Graph errors as the SDK's
// documentation shows (errors.As with *odataerrors.ODataError). Graph's bodies are not decoded
// through that model: it drops a lower-case "innererror" (the spelling of Microsoft's own error
// reference) and fails whole on a date that is not RFC 3339, as in Microsoft's published sample.
func (e *Error) Unwrap() error {
	if e.Code == "" && e.Message == "" && e.RequestID == "" && e.ClientRequestID == "" {
		return nil
	}
	inner := odataerrors.NewInnerError()
	inner.SetRequestId(nonEmpty(e.RequestID))
	inner.SetClientRequestId(nonEmpty(e.ClientRequestID))
	// Graph writes the date in UTC without a zone.
	if d, err := time.Parse("2006-01-02T15:04:05", e.Date); err == nil {
		inner.SetDate(&d)
	}
	main := odataerrors.NewMainError()
	main.SetCode(nonEmpty(e.Code))
	main.SetMessage(nonEmpty(e.Message))
	main.SetInnerError(inner)
	oe := odataerrors.NewODataError()
	oe.SetErrorEscaped(main)
	oe.SetStatusCode(e.Status)
	oe.Message = e.Message
	return oe
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// withHeaders fills the request's references Graph's body left out from the answer's headers.
func (e *Error) withHeaders(h http.Header) *Error {
	if e.RequestID == "" {
		e.RequestID = h.Get("request-id")
	}
	if e.ClientRequestID == "" {
		e.ClientRequestID = h.Get("client-request-id")
	}
	return e
}

// oneLine joins the words of s with single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Expired reports whether err means the operator must sign in again.
func Expired(err error) bool {
	var ge *Error
	return errors.As(err, &ge) && ge.Status == http.StatusUnauthorized
}

// graphError is Graph's error body (https://learn.microsoft.com/graph/errors). Keys match without
// regard to case, so the reference's "innererror" and the answers' "innerError" both decode.
type graphError struct {
	Error *struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
			Date            string `json:"date"`
		} `json:"innerError"`
	} `json:"error"`
}

// decode reads Graph's error body into e; a body that is not one leaves e as it was.
func (e *Error) decode(body []byte) *Error {
	var ge graphError
	if json.Unmarshal(body, &ge) != nil || ge.Error == nil {
		return e
	}
	in := ge.Error.InnerError
	e.Code, e.Message = ge.Error.Code, ge.Error.Message
	e.RequestID, e.ClientRequestID, e.Date = in.RequestID, in.ClientRequestID, in.Date
	return e
}

// failure explains a failed response for src. upn is the triaged user, for a 404 on a user path.
func failure(src facts.Source, status int, body []byte, userPath bool, upn string) *Error {
	e := (&Error{Status: status}).decode(body)
	e.Advice = advice(src, status, userPath, upn)
	return e
}

// statusError is a whole request that Graph answered with an error status; requestFailure
// explains it for the source that needed it.
type statusError struct {
	status int
	body   []byte
	header http.Header
}

func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d", e.status) }

// errTooLarge marks an answer longer than its bound.
var errTooLarge = errors.New("the answer is larger than mdmdoctor reads")

// advice says what to do about a failed status for src.
func advice(src facts.Source, status int, userPath bool, upn string) string {
	acc := sourceAccess[src]
	switch {
	case status == http.StatusUnauthorized:
		return "sign-in expired: sign in again"
	case status == http.StatusForbidden:
		return fmt.Sprintf("not allowed to read %s: the operator needs the %s permission (consented for this "+
			"app) and the %s role", src, acc.permission, acc.roles)
	case status == http.StatusNotFound && userPath:
		return fmt.Sprintf("no such user %s in this tenant: check the spelling", upn)
	case status == http.StatusNotFound:
		return fmt.Sprintf("%s was not found in this tenant", src)
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
		return fmt.Sprintf("Graph kept throttling or was unavailable for %s after %d retries: wait a minute "+
			"and run again", src, maxRetries)
	case status == http.StatusFailedDependency:
		return fmt.Sprintf("%s was not read because a request it depends on failed", src)
	case status >= 500:
		return fmt.Sprintf("Graph failed while reading %s: run again later", src)
	default:
		return fmt.Sprintf("Graph refused the request for %s: report this as a bug in mdmdoctor", src)
	}
}

// requestFailure explains why a whole request (not a batch item) brought no data for src.
func requestFailure(src facts.Source, err error, userPath bool, upn string) error {
	var se *statusError
	if errors.As(err, &se) {
		return failure(src, se.status, se.body, userPath, upn).withHeaders(se.header)
	}
	var ne net.Error
	switch {
	case errors.Is(err, errTooLarge):
		return fmt.Errorf("read %s: %w: a proxy may be answering in Graph's place; run with --debug and report it", src,
			err)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("the connection to Microsoft Graph broke before the answer for %s was whole (%w): check the "+
			"network or proxy, and run again", src, err)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Errorf("no answer in time from Microsoft Graph for %s (%w): raise --timeout, or check the "+
			"network and --graph-url", src, err)
	}
	return fmt.Errorf("could not reach Microsoft Graph for %s: %w: check the network, --graph-url and --timeout", src,
		err)
}

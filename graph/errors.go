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

	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Error is a Graph request that failed, explained for the operator.
type Error struct {
	// Status is the HTTP status (0 when the request never got an answer).
	Status int
	// Code and Message are Graph's own error code and message, when it sent them.
	Code    string
	Message string
	// Advice says what to do next.
	Advice string
}

func (e *Error) Error() string {
	s := e.Advice
	// Graph's own words are outside input: folded to one line so an error stays one line.
	code, msg := oneLine(e.Code), oneLine(e.Message)
	if code != "" || msg != "" {
		s += fmt.Sprintf(" (Graph said %d %s: %s)", e.Status, code, msg)
	} else if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	return s
}

// oneLine joins the words of s with single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Expired reports whether err means the operator must sign in again.
func Expired(err error) bool {
	var ge *Error
	return errors.As(err, &ge) && ge.Status == http.StatusUnauthorized
}

// graphError is Graph's error body.
type graphError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// failure explains a failed response for src. upn is the triaged user, for a 404 on a user path.
func failure(src facts.Source, status int, body []byte, userPath bool, upn string) *Error {
	var ge graphError
	_ = json.Unmarshal(body, &ge)
	return explain(src, status, ge.Error.Code, ge.Error.Message, userPath, upn)
}

func explain(src facts.Source, status int, code, msg string, userPath bool, upn string) *Error {
	e := &Error{Status: status, Code: code, Message: msg}
	acc := sourceAccess[src]
	switch {
	case status == http.StatusUnauthorized:
		e.Advice = "sign-in expired: sign in again"
	case status == http.StatusForbidden:
		e.Advice = fmt.Sprintf("not allowed to read %s: the operator needs the %s permission (consented for this app) and the %s role", src, acc.permission, acc.roles)
	case status == http.StatusNotFound && userPath:
		e.Advice = fmt.Sprintf("no such user %s in this tenant: check the spelling", upn)
	case status == http.StatusNotFound:
		e.Advice = fmt.Sprintf("%s was not found in this tenant", src)
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
		e.Advice = fmt.Sprintf("Graph kept throttling or was unavailable for %s after %d retries: wait a minute and run again", src, maxRetries)
	case status == http.StatusFailedDependency:
		e.Advice = fmt.Sprintf("%s was not read because a request it depends on failed", src)
	case status >= 500:
		e.Advice = fmt.Sprintf("Graph failed while reading %s: run again later", src)
	default:
		e.Advice = fmt.Sprintf("Graph refused the request for %s: report this as a bug in mdmdoctor", src)
	}
	return e
}

// requestFailure explains an error from the SDK for a whole request (not a batch item).
func requestFailure(src facts.Source, err error, userPath bool, upn string) error {
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) {
		code, msg := "", ""
		if m := oe.GetErrorEscaped(); m != nil {
			code, msg = deref(m.GetCode()), deref(m.GetMessage())
		}
		return explain(src, oe.GetStatusCode(), code, msg, userPath, upn)
	}
	var ne net.Error
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("the connection to Microsoft Graph broke before the answer for %s was whole (%w): check the network or proxy, and run again", src, err)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Errorf("no answer in time from Microsoft Graph for %s (%w): raise --timeout, or check the network and --graph-url", src, err)
	}
	return fmt.Errorf("could not reach Microsoft Graph for %s: %w: check the network, --graph-url and --timeout", src, err)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

package graph

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/clouds"
)

// Response is Graph's answer to one request sent with Send, whatever its status.
type Response struct {
	Status int
	// RequestID is Graph's request-id header, the reference Microsoft support asks for.
	RequestID string
	Body      []byte
}

// Failure is Graph's answer as an *Error when its status is one (400 or more), with Graph's code,
// message and references decoded from its body (https://learn.microsoft.com/graph/errors) and the
// request-id header where the body names none; nil for a success.
func (r Response) Failure() *Error {
	if r.Status < 400 {
		return nil
	}
	e := (&Error{Status: r.Status}).decode(r.Body)
	if e.RequestID == "" {
		e.RequestID = r.RequestID
	}
	return e
}

// maxResponse bounds the body Send keeps: a device or policy is a few kilobytes.
const maxResponse = 4 << 20

// Send sends one request of a fix's plan, or a read of the state a fix depends on, through the
// client's pipeline (sign-in, retries of throttled answers, the debug log). rawURL is an absolute
// Graph URL as plans write it (https://graph.microsoft.com/v1.0/...), or a path starting with
// /v1.0/ or /beta/; it is sent to the client's root, so that a plan made for the cloud reaches
// --graph-url too. URLs on any other host are refused: the token goes to Graph only. body, when not
// nil, is sent as JSON.
//
// Every answer Graph gives comes back as a Response, error statuses included; the error is set
// only when no answer came (then the request may or may not have been applied).
func (c *Client) Send(ctx context.Context, method, rawURL string, body []byte) (Response, error) {
	if _, ok := kiotaMethods[method]; !ok {
		return Response{}, fmt.Errorf("mdmdoctor does not send %s requests to Graph", method)
	}
	u, err := c.rebase(rawURL)
	if err != nil {
		return Response{}, err
	}
	var out Response
	status, err := c.exchange(ctx, method, u, body, method == http.MethodGet, func(r *http.Response) error {
		out.RequestID = r.Header.Get("request-id")
		var err error
		out.Body, err = readAll(r.Body, maxResponse)
		return err
	})
	out.Status = status
	if err != nil && status == 0 {
		return Response{}, fmt.Errorf("no answer from Microsoft Graph to %s %s: %w: the request may or may "+
			"not have been applied; check the network and re-check", method, u.Path, err)
	}
	if err != nil {
		return out, fmt.Errorf("the answer of Microsoft Graph to %s %s (status %d) was cut off: %w; re-check", method,
			u.Path, out.Status, err)
	}
	return out, nil
}

// rebase moves a Graph URL onto the client's root, keeping its escaped path and query.
func (c *Client) rebase(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %w", rawURL, err)
	}
	root, err := url.Parse(c.root)
	if err != nil {
		return nil, err
	}
	own := strings.EqualFold(u.Host, root.Host) && u.Scheme == root.Scheme
	graph := u.Scheme == "https" && slices.Contains(clouds.GraphHosts(), strings.ToLower(u.Host))
	if u.Host != "" && !own && !graph {
		return nil, fmt.Errorf("refusing to send a Graph token to %s: a fix may only call Microsoft Graph",
			u.Redacted())
	}
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/v1.0/") && !strings.HasPrefix(p, "/beta/") {
		return nil, fmt.Errorf("%q is not a Graph URL: its path must start with /v1.0/ or /beta/", rawURL)
	}
	out, err := url.Parse(strings.TrimRight(c.root, "/") + p)
	if err != nil {
		return nil, err
	}
	out.RawQuery = u.RawQuery
	return out, nil
}

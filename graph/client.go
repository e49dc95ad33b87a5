package graph

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	khttp "github.com/microsoft/kiota-http-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	azauth "github.com/microsoftgraph/msgraph-sdk-go-core/authentication"
)

// Client reads Microsoft Graph for mdmdoctor. It is safe for concurrent use.
type Client struct {
	root    string        // the Graph root requests go to, without a version
	timeout time.Duration // bounds each try of a request
	auth    Auth
	sign    *signIn
	adapter *msgraphcore.GraphRequestAdapterBase
	log     *slog.Logger
}

// New signs in (interactively when the method needs it and no account is remembered) and returns
// a client for the configured cloud.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Auth == "" {
		cfg.Auth = AuthDeviceCode
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	resource, err := cfg.Cloud.GraphRoot()
	if err != nil {
		return nil, err
	}
	root := resource
	if cfg.GraphURL != "" {
		if root, err = ParseGraphURL(cfg.GraphURL); err != nil {
			return nil, err
		}
	}
	sign, err := newSignIn(cfg, resource)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	u, _ := url.Parse(root)
	// Tokens go only to the configured root: the provider refuses other hosts, and plain http
	// except on loopback.
	provider, err := azauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(sign.cred, sign.scopes, []string{u.Hostname()})
	if err != nil {
		return nil, fmt.Errorf("set up Graph authentication: %w", err)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	// The SDK's default pipeline minus two handlers: retries are exchange's and runFetches' (one policy
	// for whole requests and batch items, each try built afresh), and request bodies go uncompressed
	// (a $batch or a write is a few kilobytes). Telemetry is the core library's: without a service
	// library version it names graph-go-core alone, which is what sends the requests.
	opts := msgraphcore.GraphClientOptions{}
	httpClient := khttp.GetDefaultClient(
		msgraphcore.NewGraphTelemetryHandler(&opts),
		khttp.NewRedirectHandler(),
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewUserAgentHandler(),
		logHandler{log},
	)
	httpClient.Timeout = timeout
	adapter, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(provider, opts, nil, nil, httpClient)
	if err != nil {
		return nil, fmt.Errorf("set up the Graph client: %w", err)
	}
	adapter.SetBaseUrl(root + "/v1.0")
	c := &Client{root: root, timeout: timeout, auth: cfg.Auth, sign: sign, adapter: adapter, log: log}
	if err := sign.signInNow(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Root is the Graph root requests go to, without a version.
func (c *Client) Root() string { return c.root }

// token returns the current access token (from the credential's cache after the first sign-in).
func (c *Client) token(ctx context.Context) (string, error) {
	tok, err := c.sign.cred.GetToken(ctx, tokenOptions(c.sign.scopes))
	if err != nil {
		// The identity library's errors span lines (the failed request, a troubleshooting link):
		// a report line and a TUI row take one.
		advice := "sign in again"
		switch {
		case c.auth.appOnly():
			advice = "check the application's secret or certificate, --tenant-id, --client-id and the network"
		case c.auth == AuthToken:
			advice = "get a new token for MDMDOCTOR_ACCESS_TOKEN"
		}
		return "", fmt.Errorf("get a Graph token: %s: %s",
			strings.Join(strings.Fields(explainSignIn(err).Error()), " "), advice)
	}
	return tok.Token, nil
}

// logHandler writes one debug line per HTTP attempt, after retries and redirects decided to send
// it. It logs the method, URL, status and time, never headers (they carry the token).
type logHandler struct{ log *slog.Logger }

// Intercept implements khttp.Middleware.
func (h logHandler) Intercept(p khttp.Pipeline, i int, req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := p.Next(req, i)
	attrs := []any{"method", req.Method, "url", req.URL.String(), "ms", time.Since(start).Milliseconds()}
	if err != nil {
		h.log.Debug("graph request failed", append(attrs, "err", err)...)
		return resp, err
	}
	h.log.Debug("graph request", append(attrs, "status", resp.StatusCode, "request-id", resp.Header.Get("request-id"))...)
	return resp, nil
}

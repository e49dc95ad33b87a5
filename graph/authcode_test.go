package graph

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// fakeAuthority is a Microsoft Entra authority on loopback (TLS, as MSAL requires): the discovery
// document, and a token endpoint that redeems one authorization code only with the PKCE verifier
// whose challenge the authorize URL carried.
type fakeAuthority struct {
	srv *httptest.Server
	// tokenError, when set, is the token endpoint's error answer (an AADSTS description).
	tokenError string

	mu        sync.Mutex
	challenge string
	redeemed  url.Values
}

func newFakeAuthority(t *testing.T) *fakeAuthority {
	t.Helper()
	f := &fakeAuthority{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /organizations/v2.0/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		base := f.srv.URL + "/organizations"
		_ = json.NewEncoder(w).Encode(map[string]string{
			"authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"token_endpoint":         base + "/oauth2/v2.0/token",
			"issuer":                 f.srv.URL + "/{tenantid}/v2.0",
		})
	})
	mux.HandleFunc("POST /organizations/oauth2/v2.0/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		f.redeemed = r.PostForm
		challenge := f.challenge
		f.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		switch {
		case f.tokenError != "":
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": "invalid_client", "error_description": f.tokenError})
		case r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("code") != "the-code" ||
			base64.RawURLEncoding.EncodeToString(sum[:]) != challenge:
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": "invalid_grant", "error_description": "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request."})
		default:
			_ = json.NewEncoder(w).Encode(map[string]any{
				"token_type": "Bearer", "expires_in": 3600, "scope": r.PostForm.Get("scope"),
				"access_token": "access-token-1", "refresh_token": "refresh-token-1",
				"id_token":    unsignedJWT(map[string]any{"oid": "oid-1", "tid": "tid-1", "preferred_username": "ops@contoso.com", "aud": "client", "iss": f.srv.URL, "exp": 4102444800}),
				"client_info": base64.RawURLEncoding.EncodeToString([]byte(`{"uid":"oid-1","utid":"tid-1"}`)),
			})
		}
	})
	f.srv = httptest.NewTLSServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func unsignedJWT(claims map[string]any) string {
	body, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(body) + ".sig"
}

// browser plays the operator's browser: it reads the sign-in URL and posts the code to the redirect
// URI (form_post), as Entra's sign-in page does.
func (f *fakeAuthority) browser(t *testing.T, shown *[]facts.SignInPrompt) func(context.Context, facts.SignInPrompt) error {
	return func(_ context.Context, p facts.SignInPrompt) error {
		*shown = append(*shown, p)
		u, err := url.Parse(p.VerificationURL)
		if err != nil {
			return err
		}
		q := u.Query()
		f.mu.Lock()
		f.challenge = q.Get("code_challenge")
		f.mu.Unlock()
		if q.Get("code_challenge_method") != "S256" {
			t.Errorf("code_challenge_method = %q, want S256", q.Get("code_challenge_method"))
		}
		go func() {
			resp, err := http.PostForm(q.Get("redirect_uri"), url.Values{"code": {"the-code"}, "state": {q.Get("state")}})
			if err != nil {
				t.Errorf("redirect: %v", err)
				return
			}
			_ = resp.Body.Close()
		}()
		return nil
	}
}

func newTestAuthCode(t *testing.T, f *fakeAuthority, shown *[]facts.SignInPrompt) *authCodeCredential {
	t.Helper()
	c, err := newAuthCodeCredential(f.srv.URL+"/organizations", "client", 0, ForwardCommand(8400, "ops@jump.contoso.com", "2222"),
		f.browser(t, shown), public.WithHTTPClient(f.srv.Client()), public.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAuthCodeSignsInWithPKCEThroughTheLoopbackRedirect(t *testing.T) {
	f := newFakeAuthority(t)
	var shown []facts.SignInPrompt
	c := newTestAuthCode(t, f, &shown)
	scopes := []string{"https://graph.microsoft.com/User.Read.All"}
	tok, err := c.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: scopes})
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	if tok.Token != "access-token-1" {
		t.Fatalf("token %q, want the fake authority's", tok.Token)
	}
	if len(shown) != 1 || !strings.Contains(shown[0].Message, "ssh -N -L 8400:localhost:8400 -p 2222 ops@jump.contoso.com") {
		t.Fatalf("prompt %+v, want the exact forward command", shown)
	}
	f.mu.Lock()
	redeemed := f.redeemed
	f.mu.Unlock()
	if !strings.HasPrefix(redeemed.Get("redirect_uri"), "http://localhost:") || redeemed.Get("client_secret") != "" {
		t.Fatalf("token request %v: want a public client redeeming at the loopback redirect", redeemed)
	}
	// The second token comes from memory, without a second sign-in.
	if _, err := c.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: scopes}); err != nil || len(shown) != 1 {
		t.Fatalf("second GetToken: %v after %d prompts, want a silent token", err, len(shown))
	}
}

func TestAuthCodeExplainsAPublicClientNotAllowed(t *testing.T) {
	f := newFakeAuthority(t)
	f.tokenError = "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
	var shown []facts.SignInPrompt
	c := newTestAuthCode(t, f, &shown)
	_, err := c.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	if err == nil {
		t.Fatal("sign-in succeeded against a refusing authority")
	}
	if got := explainSignIn(err).Error(); !strings.Contains(got, `"Allow public client flows" to Yes`) {
		t.Fatalf("error %q, want what to change in the app registration", got)
	}
}

func TestExplainSignIn(t *testing.T) {
	for code, want := range map[string]string{
		"53003":   "--auth authcode",
		"50011":   "http://localhost",
		"50105":   "assign you",
		"7000112": "--client-id",
		"700016":  "--tenant-id",
	} {
		err := explainSignIn(fmt.Errorf("DeviceCodeCredential: AADSTS%s: something", code))
		if !strings.Contains(err.Error(), want) {
			t.Errorf("AADSTS%s: %q, want %q", code, err, want)
		}
	}
	if err := explainSignIn(fmt.Errorf("AADSTS99999: new")); err.Error() != "AADSTS99999: new" {
		t.Errorf("unknown code changed: %v", err)
	}
}

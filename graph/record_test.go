package graph

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func TestRecordRememberedPrivately(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "mdmdoctor")
	rec := azidentity.AuthenticationRecord{Authority: "login.microsoftonline.com", ClientID: DefaultClientID,
		HomeAccountID: "oid.tid", TenantID: "tid", Username: "admin@contoso.com", Version: "1.0"}
	if err := saveRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, recordFile): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), want)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, recordFile))
	if strings.Contains(strings.ToLower(string(data)), "token") {
		t.Errorf("the record mentions a token: %s", data)
	}
	got, err := loadRecord(dir, DefaultClientID, "tid")
	if err != nil || got != rec {
		t.Errorf("loaded %+v, %v", got, err)
	}
	if got, _ := loadRecord(dir, "another-client", ""); got.HomeAccountID != "" {
		t.Error("a record for another client was used")
	}
	if got, _ := loadRecord(dir, DefaultClientID, "other-tenant"); got.HomeAccountID != "" {
		t.Error("a record for another tenant was used")
	}
}

// TestStateDir: the directory comes from main; without one, delegated sign-in says what to set.
func TestStateDir(t *testing.T) {
	if d, err := stateDir("/x/state/mdmdoctor"); d != "/x/state/mdmdoctor" || err != nil {
		t.Errorf("stateDir = %s, %v", d, err)
	}
	if _, err := newSignIn(Config{Auth: AuthDeviceCode}, "https://graph.microsoft.com"); err == nil || !strings.Contains(err.Error(), "XDG_STATE_HOME") {
		t.Errorf("delegated sign-in without a state directory: %v", err)
	}
}

func TestOperatorFromClaims(t *testing.T) {
	app := operator("e30.eyJyb2xlcyI6WyJVc2VyLlJlYWQuQWxsIl0sInRpZCI6InQifQ.", false)
	if !app.Known || !app.AppOnly || len(app.Scopes) != 1 || app.Scopes[0] != "User.Read.All" {
		t.Errorf("app-only token: %+v", app)
	}
	if op := operator("opaque", true); op.Known || !op.AppOnly {
		t.Errorf("opaque token: %+v", op)
	}
}

func TestSignInRemembersTheAccountOnce(t *testing.T) {
	dir := t.TempDir()
	s, err := newSignIn(Config{Auth: AuthDeviceCode, StateDir: dir}, "https://graph.microsoft.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.scopes) != len(ReadScopes()) || s.scopes[0] != "https://graph.microsoft.com/User.Read.All" {
		t.Errorf("scopes %v", s.scopes)
	}
	calls := 0
	rec := azidentity.AuthenticationRecord{ClientID: DefaultClientID, HomeAccountID: "oid.tid", TenantID: "tid", Username: "admin@contoso.com", Version: "1.0"}
	s.authenticate = func(_ context.Context, o *policy.TokenRequestOptions) (azidentity.AuthenticationRecord, error) {
		calls++
		if len(o.Scopes) != len(ReadScopes()) {
			t.Errorf("sign-in asked for %v", o.Scopes)
		}
		return rec, nil
	}
	if err := s.signInNow(context.Background()); err != nil || calls != 1 {
		t.Fatalf("first sign-in: %v, %d calls", err, calls)
	}
	again, err := newSignIn(Config{Auth: AuthDeviceCode, StateDir: dir}, "https://graph.microsoft.com")
	if err != nil {
		t.Fatal(err)
	}
	if again.record != rec {
		t.Errorf("remembered %+v, want %+v", again.record, rec)
	}
	again.authenticate = s.authenticate
	if err := again.signInNow(context.Background()); err != nil || calls != 1 {
		t.Errorf("a remembered account signed in interactively again (%d calls, %v)", calls, err)
	}
}

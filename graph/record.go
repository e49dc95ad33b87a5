package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// recordFile is the remembered account: azidentity's AuthenticationRecord, which names the account,
// tenant and client but holds no token or secret.
const recordFile = "account.json"

// stateDir is where the sign-in record lives: the directory main found ($XDG_STATE_HOME/mdmdoctor,
// or ~/.local/state/mdmdoctor) and gave as Config.StateDir.
func stateDir(dir string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("no directory for the sign-in record was given: set XDG_STATE_HOME, or HOME, and " +
			"sign in again")
	}
	return dir, nil
}

// loadRecord returns the remembered account for this client and tenant, or a zero record.
func loadRecord(dir, clientID, tenantID string) (azidentity.AuthenticationRecord, error) {
	var rec azidentity.AuthenticationRecord
	data, err := os.ReadFile(filepath.Join(dir, recordFile))
	if errors.Is(err, fs.ErrNotExist) {
		return rec, nil
	}
	if err != nil {
		return rec, fmt.Errorf("read the remembered account: %w", err)
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		// A damaged record only costs a fresh sign-in.
		return azidentity.AuthenticationRecord{}, nil
	}
	if rec.ClientID != clientID || (tenantID != "" && tenantID != "organizations" && rec.TenantID != tenantID) {
		return azidentity.AuthenticationRecord{}, nil
	}
	return rec, nil
}

// saveRecord remembers the account in a 0600 file inside a 0700 directory.
func saveRecord(dir string, rec azidentity.AuthenticationRecord) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s to remember the account: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, recordFile+".*")
	if err != nil {
		return fmt.Errorf("remember the account: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, recordFile))
}

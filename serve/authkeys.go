package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// authorizedKeys is the authorized_keys file, parsed again whenever its size or modification time
// changes. wish's own helper (wish.WithAuthorizedKeys) is not used: it ignores every option
// (from=, expiry-time=, restrict) and stops at the first unparsable line, refusing every key after it.
type authorizedKeys struct {
	path   string
	logger *slog.Logger
	loc    *time.Location

	mu      sync.Mutex
	size    int64
	modTime time.Time
	entries []keyEntry
}

// keyEntry is one usable line.
type keyEntry struct {
	line int
	key  []byte // the wire form, compared byte for byte
	opts keyOptions
	// refused says why a line whose key parsed cannot be used (an option the server cannot honour).
	refused string
}

func newAuthorizedKeys(path string, logger *slog.Logger) (*authorizedKeys, error) {
	a := &authorizedKeys{path: path, logger: logger, loc: time.Local}
	if _, err := a.load(); err != nil {
		return nil, err
	}
	return a, nil
}

// load re-reads the file when it changed since the last read, and returns the entries.
func (a *authorizedKeys) load() ([]keyEntry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fi, err := os.Stat(a.path)
	if err != nil {
		return nil, fmt.Errorf("read the authorized keys: %w (give --authorized-keys an OpenSSH authorized_keys file)", err)
	}
	if a.entries != nil && fi.Size() == a.size && fi.ModTime().Equal(a.modTime) {
		return a.entries, nil
	}
	data, err := os.ReadFile(a.path)
	if err != nil {
		return nil, fmt.Errorf("read the authorized keys: %w", err)
	}
	a.entries = a.parse(data)
	a.size, a.modTime = fi.Size(), fi.ModTime()
	a.logger.Info("authorized keys loaded", "path", a.path, "keys", len(a.entries))
	return a.entries, nil
}

// parse reads every line on its own, so one bad line is skipped (and logged), never the rest.
func (a *authorizedKeys) parse(data []byte) []keyEntry {
	entries := []keyEntry{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, opts, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			a.logger.Warn("authorized keys: line skipped", "path", a.path, "line", n, "error", err.Error())
			continue
		}
		e := keyEntry{line: n, key: key.Marshal()}
		if e.opts, err = parseKeyOptions(opts, a.loc); err != nil {
			e.refused = err.Error()
			a.logger.Warn("authorized keys: key refused", "path", a.path, "line", n,
				"fingerprint", gossh.FingerprintSHA256(key), "reason", e.refused)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		a.logger.Warn("authorized keys: read stopped", "path", a.path, "error", err.Error())
	}
	return entries
}

// authorize says whether key may sign in from addr at now, with the options of its line; when not,
// why (for the log). As sshd does, the first line that lists the key and whose options allow it wins.
func (a *authorizedKeys) authorize(key gossh.PublicKey, addr netip.Addr, now time.Time) (keyOptions, bool, string) {
	entries, err := a.load()
	if err != nil {
		return keyOptions{}, false, err.Error()
	}
	wire := key.Marshal()
	reason := "key not listed"
	for _, e := range entries {
		if !bytes.Equal(e.key, wire) {
			continue
		}
		switch {
		case e.refused != "":
			reason = fmt.Sprintf("line %d: %s", e.line, e.refused)
		case !e.opts.expiry.IsZero() && !now.Before(e.opts.expiry):
			reason = fmt.Sprintf("line %d: expired at %s", e.line, e.opts.expiry.Format(time.RFC3339))
		case e.opts.from != nil && !fromAllows(e.opts.from, addr):
			reason = fmt.Sprintf("line %d: %s is not in from=", e.line, addr)
		default:
			return e.opts, true, ""
		}
	}
	return keyOptions{}, false, reason
}

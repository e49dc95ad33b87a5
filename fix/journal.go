package fix

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// Entry kinds: a journaled run is a begin entry, a before and an after entry per request, and an end.
const (
	KindBegin  = "begin"
	KindBefore = "before"
	KindAfter  = "after"
	KindEnd    = "end"
)

// Outcomes of one request (after entries) and of a whole run (end entries).
const (
	// Applied: Graph accepted the write.
	Applied = "applied"
	// AlreadyApplied: the state already showed the change, so nothing was sent (or Graph answered
	// that the reference already exists, or the object is already gone).
	AlreadyApplied = "already-applied"
	// Failed: Graph refused the write; nothing changed.
	Failed = "failed"
	// Unknown: no answer came (a cut connection, a timeout, the operator quitting): the write may or
	// may not have been applied.
	Unknown = "unknown"
	// NotSent: the request was planned but never sent, because an earlier one did not succeed.
	NotSent = "not-sent"
	// Partial: some requests of the run were applied, then one was not.
	Partial = "partial"
)

// Entry is one line of the journal. It never holds a token or a pasted dsregcmd output: only the
// plan, the requests, the state of the objects before each write and Graph's answers.
type Entry struct {
	// ID names the run (one fix, or one undo, applied once); Seq orders its entries.
	ID       string    `json:"id"`
	Seq      int       `json:"seq"`
	Time     time.Time `json:"time"`
	Kind     string    `json:"kind"`
	Fix      string    `json:"fix"`
	Operator string    `json:"operator,omitempty"`
	Tenant   string    `json:"tenant,omitempty"`
	// Via is the session the operator came through (Session.Via), when it says more than Operator.
	Via  string `json:"via,omitempty"`
	User string `json:"user,omitempty"`
	// Undoes is the run an undo reverts.
	Undoes string `json:"undoes,omitempty"`
	// Plan is on the begin entry.
	Plan *Plan `json:"plan,omitempty"`
	// Step numbers the request (from 1) on before and after entries.
	Step    int             `json:"step,omitempty"`
	Request *checks.Request `json:"request,omitempty"`
	// Before is the object's state read right before the write (null: it did not exist).
	Before    json.RawMessage `json:"before,omitempty"`
	Status    int             `json:"status,omitempty"`
	RequestID string          `json:"requestId,omitempty"`
	Outcome   string          `json:"outcome,omitempty"`
	Error     string          `json:"error,omitempty"`
	// Result is the object a write created (a Conditional Access policy), as Graph returned it.
	Result json.RawMessage `json:"result,omitempty"`
	// NotSent lists, on the end entry, the steps never sent.
	NotSent []int `json:"notSent,omitempty"`
	// Line is where the entry was read in the journal (from 1), for messages; it is not written.
	Line int `json:"-"`
}

// Journal is the append-only record of every write mdmdoctor sends: JSON lines in a 0600 file inside
// a 0700 directory, each line synced to disk before the write it announces is sent.
type Journal struct {
	path string
	mu   sync.Mutex
	// wrap, when set (by tests), stands between the journal and its file: a disk that fills up.
	wrap func(io.Writer) io.Writer
}

// JournalPath is the journal's file in mdmdoctor's state directory (main finds that directory:
// $XDG_STATE_HOME/mdmdoctor, or ~/.local/state/mdmdoctor).
func JournalPath(stateDir string) string { return filepath.Join(stateDir, "journal.jsonl") }

// OpenJournal returns the journal at path; the file is created with the first entry.
func OpenJournal(path string) *Journal { return &Journal{path: path} }

// Path is where the journal lives.
func (j *Journal) Path() string { return j.path }

// Append writes one entry and syncs it to disk. A last line left torn by a crash or a full disk is
// ended first, so that it costs only itself: the new entry starts a line of its own.
func (j *Journal) Append(e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode the journal entry: %w", err)
	}
	line = append(line, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	dir := filepath.Dir(j.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the journal's directory %s: %w", dir, err)
	}
	_, statErr := os.Lstat(j.path)
	f, err := OpenPrivate(j.path)
	if err != nil {
		return fmt.Errorf("open the journal %s: %w", j.path, err)
	}
	torn, err := endsTorn(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("read the journal %s: %w", j.path, err)
	}
	if torn {
		line = append([]byte{'\n'}, line...)
	}
	var w io.Writer = f
	if j.wrap != nil {
		w = j.wrap(f)
	}
	if _, err := w.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("write the journal %s: %w", j.path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync the journal %s: %w", j.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close the journal %s: %w", j.path, err)
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		// A new file's name is durable only once its directory is synced too.
		if d, err := os.Open(dir); err == nil {
			_ = d.Sync()
			d.Close()
		}
	}
	return nil
}

// endsTorn reports whether the file's last byte is not a newline: the last write was cut short.
func endsTorn(f *os.File) (bool, error) {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return false, err
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, fi.Size()-1); err != nil {
		return false, err
	}
	return b[0] != '\n', nil
}

// Entries reads every entry, oldest first, each with its line number. A line that cannot be read (a
// write cut short by a crash, or a line of any length that is not an entry) is skipped: the entries
// around it still tell what happened.
func (j *Journal) Entries() ([]Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := openRead(j.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the journal %s: %w", j.path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read the journal %s: %w", j.path, err)
	}
	var out []Entry
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		var e Entry
		if json.Unmarshal(line, &e) == nil && e.ID != "" {
			e.Line = n
			out = append(out, e)
		}
	}
	return out, nil
}

// newRunID names a run: its UTC start time and a random suffix, short enough to type.
func newRunID(now time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b)
}

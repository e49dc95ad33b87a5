package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// App is the outside world of one operator's session: Microsoft Graph and DNS for real, or the demo's
// loopback servers loaded with the embedded tenants and zones. Everything after it runs the same code
// either way.
type App struct {
	cfg     Config
	log     *slog.Logger
	out     io.Writer
	errOut  io.Writer
	dns     *dnsprobe.Prober
	dsreg   dsregcmd.Reader
	tenants []demoTenant // demo only
	mu      sync.Mutex   // guards client (set by the TUI's sign-in while readers may be asked for) and draining
	client  *graph.Client
	// named holds each Graph client's tenant and operator once read (Backend.Where): they do not change
	// within a session, and the TUI asks again for every target. Guarded by mu.
	named   map[*graph.Client]graph.Whereabouts
	closers []func()
	// fixes counts the fixes in flight; draining refuses new ones (Drain).
	fixes    sync.WaitGroup
	draining bool
}

// New builds an application from c: it opens the debug log, reads the dsregcmd paste, and starts the
// demo's servers. It signs in to nothing: SignIn does, when the caller is ready to show a device code.
// Close releases what it started.
func New(ctx context.Context, c Config) (*App, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	a := &App{cfg: c, log: slog.New(slog.DiscardHandler), out: orDiscard(c.Stdout), errOut: orDiscard(c.Stderr)}
	if c.Debug != "" {
		f, err := fix.OpenPrivate(c.Debug)
		if err != nil {
			return nil, fmt.Errorf("cannot write the debug log %s: %v", c.Debug, err)
		}
		a.closers = append(a.closers, func() { _ = f.Close() })
		a.log = slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if c.Dsregcmd != "" {
		text, err := a.readDsregcmd(c.Dsregcmd)
		if err != nil {
			a.Close()
			return nil, err
		}
		a.dsreg = dsregcmd.Reader{Text: text}
	}
	var err error
	if c.Demo {
		err = a.openDemo(ctx)
	} else {
		a.dns = &dnsprobe.Prober{Resolvers: c.Resolvers, QueryTimeout: c.DNSTimeout, Log: a.log}
	}
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// readDsregcmd reads the --dsregcmd paste: a file, or standard input for "-", where a terminal is told
// what to paste and how to end. Nothing at all is an error, not a paste without a device.
func (a *App) readDsregcmd(name string) ([]byte, error) {
	var b []byte
	var err error
	if name == "-" {
		if a.cfg.Stdin == nil {
			return nil, errors.New("--dsregcmd -: this session has no standard input; give a file")
		}
		if _, ok := terminal(a.cfg.Stdin); ok {
			fmt.Fprintln(a.errOut, "Paste the output of dsregcmd /status, then end it with Ctrl-D on a line of its own "+
				"(on Windows: Ctrl-Z, then Enter).")
		}
		if b, err = dsregcmd.ReadAll(a.cfg.Stdin); err == nil && len(bytes.TrimSpace(b)) == 0 {
			err = errors.New("--dsregcmd -: standard input was empty: pipe the output of dsregcmd /status in, paste it " +
				"(end with Ctrl-D, on Windows Ctrl-Z then Enter), or give a file")
		}
		return b, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read --dsregcmd %s: %v; save the output of dsregcmd /status to a file, "+
			"or pass - to read standard input", name, err)
	}
	defer f.Close()
	if b, err = dsregcmd.ReadAll(f); err == nil && len(bytes.TrimSpace(b)) == 0 {
		err = fmt.Errorf("--dsregcmd %s is empty: save the output of dsregcmd /status in it", name)
	}
	return b, err
}

// Config is what the application was built from.
func (a *App) Config() Config { return a.cfg }

// Now is the clock checks judge by.
func (a *App) Now() time.Time { return a.cfg.now() }

// Close stops whatever the application started, newest first.
func (a *App) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// JournalPath is the fix journal's file in the state directory; "" when there is none.
func (a *App) JournalPath() string {
	if a.cfg.StateDir == "" {
		return ""
	}
	return fix.JournalPath(a.cfg.StateDir)
}

// recentFile is where the TUI remembers recent targets; "" remembers nothing.
func (a *App) recentFile() string {
	if a.cfg.StateDir == "" {
		return ""
	}
	return filepath.Join(a.cfg.StateDir, "recent.json")
}

// Readers returns the readers of a target for the command line: Graph (the demo tenant owning the
// user's domain), DNS and the pasted dsregcmd output.
func (a *App) Readers(t facts.Target) []facts.Reader {
	rs := a.readers(t)
	if t.Kind == facts.TargetUser {
		rs = append(rs, a.dsreg)
	}
	return rs
}

// readers are Readers without the paste: the TUI reads the device view from its own paste area.
func (a *App) readers(t facts.Target) []facts.Reader {
	rs := []facts.Reader{a.dns}
	if t.Kind == facts.TargetDNS {
		return rs
	}
	if c := a.graphFor(t); c != nil {
		rs = append(rs, c)
	}
	return rs
}

func (a *App) graphFor(t facts.Target) *graph.Client {
	a.mu.Lock()
	client := a.client
	a.mu.Unlock()
	if client != nil {
		return client
	}
	if d := a.demoTenantFor(t); d != nil {
		return d.client
	}
	return nil
}

// CheckUser makes sure the user of a triage exists before anything is read about them: an unknown UPN
// is said once, "no user X in tenant Y", instead of in every check.
func (a *App) CheckUser(ctx context.Context, t facts.Target) error {
	c := a.graphFor(t)
	if c == nil {
		return nil
	}
	if a.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.cfg.Timeout)
		defer cancel()
	}
	var nu *graph.NoUserError
	if err := c.CheckUser(ctx, t.User); errors.As(err, &nu) {
		return nu
	}
	return nil
}

// DsregDeviceIDs are the device ids of the --dsregcmd paste, which the Graph reader looks up
// tenant-wide; none when there is no paste or it does not parse (its own source says why).
func (a *App) DsregDeviceIDs() []string {
	if len(a.dsreg.Text) == 0 {
		return nil
	}
	d, err := dsregcmd.Parse(bytes.NewReader(a.dsreg.Text))
	if err != nil {
		return nil
	}
	return d.DeviceIDs()
}

// UserTarget is the triage target of one user, by a UPN already normalized.
func UserTarget(upn string) facts.Target {
	return facts.Target{Kind: facts.TargetUser, User: upn, Domains: []string{upnDomainOf(upn)}}
}

func upnDomainOf(upn string) string { return upn[strings.LastIndex(upn, "@")+1:] }

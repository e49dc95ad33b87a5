package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// jwtHeader is how every token of the fake Graph begins ({"alg":"none","typ":"JWT"}): finding it
// anywhere catches the demo's own tokens too, which the test cannot know.
const jwtHeader = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"

// carolDeviceID is the DeviceId of the dsregcmd paste of carol's laptop.
const carolDeviceID = "1a3e96c1-56b9-4d6c-a23a-47f0aa157261"

// fakes is a fake Graph serving the Contoso demo tenant and a DNS server over the demo zones, both
// on loopback, for the binary to use as a real tenant: the test knows the token it hands out.
type fakes struct {
	graph *graphtest.Server
	dns   *dnstest.Server
}

func startFakes(t *testing.T) fakes {
	t.Helper()
	tn, err := graphtest.Load(os.DirFS("../../testdata/demo"), "contoso.json")
	if err != nil {
		t.Fatal(err)
	}
	g, err := graphtest.NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Close)
	d, err := dnstest.Start(t.Context(), dnstest.Options{Zones: os.DirFS("../../testdata/demo/zones")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return fakes{graph: g, dns: d}
}

// proxy is an HTTP proxy on loopback that refuses every request and remembers where each was
// going. Set as HTTPS_PROXY, it keeps whatever the binary would send beyond loopback (the sign-in
// of a client secret) on this machine, and shows that it was tried.
type proxy struct {
	addr string
	mu   sync.Mutex
	seen []string
}

func startProxy(t *testing.T) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{addr: ln.Addr().String()}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Host)
		p.mu.Unlock()
		http.Error(w, "refused by the test proxy", http.StatusForbidden)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return p
}

func (p *proxy) hosts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.seen)
}

// outputs is everything one run of the binary left behind.
type outputs struct {
	runResult
	debug string
	// files maps every file under the run's state and home directories to its content.
	files map[string]string
}

// runEnv runs the command line with the given environment over a fresh state directory, home
// directory and debug log (added as --debug when debug is true), and collects every output. runCLI
// cannot serve here: it picks a state directory the test would not see.
func runEnv(t *testing.T, env []string, stdin string, debug bool, args ...string) outputs {
	t.Helper()
	state, home := t.TempDir(), t.TempDir()
	log := filepath.Join(t.TempDir(), "debug.jsonl")
	if debug {
		args = append(args, "--debug", log)
	}
	env = append([]string{"HOME=" + home}, env...)
	var r runResult
	if slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "HTTPS_PROXY=") }) {
		// A proxy is a setting of the process (net/http reads it once): such a run needs a process of its own.
		r = runBinary(t, state, env, stdin, args...)
	} else {
		r = runWith(t, state, env, stdin, args...)
	}
	o := outputs{runResult: r, files: map[string]string{}}
	if debug {
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatalf("%v: no debug log: %v", args, err)
		}
		o.debug = string(b)
		wantPrivate(t, log, false)
	}
	for _, root := range []string{state, home} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p == root {
				return nil // the test's own directory
			}
			wantPrivate(t, p, d.IsDir())
			if !d.IsDir() {
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				o.files[p] = string(b)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// wantPrivate checks that what the binary created is for its owner only: files 0600, directories
// 0700.
func wantPrivate(t *testing.T, path string, dir bool) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	want := os.FileMode(0o600)
	if dir {
		want = 0o700
	}
	if fi.Mode().Perm() != want {
		t.Errorf("%s is %v, want %v", path, fi.Mode().Perm(), want)
	}
}

// wantNowhere fails when any needle appears in any output of the run.
func wantNowhere(t *testing.T, what string, o outputs, needles map[string]string) {
	t.Helper()
	places := map[string]string{"stdout": o.stdout, "stderr": o.stderr, "the debug log": o.debug}
	for p, b := range o.files {
		places[p] = b
	}
	for where, text := range places {
		for name, needle := range needles {
			if needle != "" && strings.Contains(text, needle) {
				t.Errorf("%s: %s holds %s", what, where, name)
			}
		}
	}
}

func randomSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "test-secret-" + hex.EncodeToString(b)
}

// TestNoSecretInAnyOutput runs the binary against a tenant on loopback with a bearer token it was
// given, a client secret in the environment, a dsregcmd paste and --debug, in every output format,
// for user triage, DNS, the tenant walkthrough and the demo, and looks for the token, the secret
// and the paste's DeviceId in everything it wrote: stdout, stderr, the debug log and every file
// under its state and home directories (which must be private), a fix's journal included.
func TestNoSecretInAnyOutput(t *testing.T) {
	fk := startFakes(t)
	token, secret := fk.graph.Token(), randomSecret(t)
	paste, err := os.ReadFile("../../testdata/dsregcmd/demo-carol-duplicate.txt")
	if err != nil {
		t.Fatal(err)
	}
	pasteFile := filepath.Join(t.TempDir(), "dsregcmd.txt")
	if err := os.WriteFile(pasteFile, paste, 0o600); err != nil {
		t.Fatal(err)
	}
	px := startProxy(t)
	env := []string{"MDMDOCTOR_ACCESS_TOKEN=" + token, "AZURE_CLIENT_SECRET=" + secret,
		"HTTPS_PROXY=http://" + px.addr, "HTTP_PROXY=http://" + px.addr, "NO_PROXY="}
	secrets := map[string]string{
		"the access token":          token,
		"the token's claims":        strings.Split(token, ".")[1],
		"a token of the fake Graph": jwtHeader,
		"a bearer header":           "Bearer ",
		"the client secret":         secret,
	}
	real := []string{"--graph-url", fk.graph.URL(), "--resolver", fk.dns.Addr()}
	for _, format := range []string{"text", "json", "markdown"} {
		for _, run := range []struct {
			name  string
			stdin string
			args  []string
		}{
			{"check", "", append([]string{"check", "--user", "carol@contoso.com", "--dsregcmd", pasteFile}, real...)},
			{"dns", "", append([]string{"dns", "contoso.com"}, real...)},
			{"tenant", "", append([]string{"check", "--tenant"}, real...)},
			{"demo", string(paste), []string{"check", "--demo", "--user", "carol@contoso.com", "--dsregcmd", "-"}},
		} {
			what := run.name + " " + format
			o := runEnv(t, env, run.stdin, true, append(run.args, "--format", format)...)
			if o.code != 1 && o.code != 0 {
				t.Errorf("%s: exit %d, want a report (0 or 1): %s", what, o.code, o.stderr)
			}
			if !strings.Contains(o.debug, `"msg":"dns query"`) {
				t.Errorf("%s: the debug log holds no DNS query: the run was not observed", what)
			}
			if run.name != "dns" && !strings.Contains(o.debug, `"msg":"graph request"`) {
				t.Errorf("%s: the debug log holds no Graph request: the run was not observed", what)
			}
			wantNowhere(t, what, o, secrets)
			// The paste's DeviceId belongs in the report about that device, nowhere else.
			report := o.stdout
			o.stdout = ""
			wantNowhere(t, what, o, map[string]string{"the paste's DeviceId": carolDeviceID})
			if format == "json" && (run.name == "check" || run.name == "demo") {
				wantDeviceIDOnlyInResults(t, what, report)
			}
		}
	}
	// A fix writes to the tenant and journals the write under the state directory: the journal
	// must be private and hold no secret either.
	o := runEnv(t, env, "", true, append([]string{"fix", "scope.mdm.add-user-to-group", "--user", "bob@contoso.com",
		"--group", "Intune Users", "--yes"}, real...)...)
	if o.code != 0 {
		t.Errorf("fix: exit %d: %s", o.code, o.stderr)
	}
	journaled := false
	for p, b := range o.files {
		journaled = journaled || (strings.HasSuffix(p, "journal.jsonl") && strings.Contains(b, "/members/$ref"))
	}
	if !journaled {
		t.Errorf("fix: no journal of the write under the state directory: %v", slices.Collect(maps.Keys(o.files)))
	}
	wantNowhere(t, "fix", o, secrets)
	if hosts := px.hosts(); len(hosts) > 0 {
		t.Errorf("the runs tried to leave loopback through the proxy: %v", hosts)
	}
}

// wantDeviceIDOnlyInResults checks that a JSON report names the paste's DeviceId only inside the
// results, the judgments about that device, and that it does name it there.
func wantDeviceIDOnlyInResults(t *testing.T, what, report string) {
	t.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(report), &doc); err != nil {
		t.Fatalf("%s: not a JSON report: %v", what, err)
	}
	for k, v := range doc {
		if k != "results" && bytes.Contains(v, []byte(carolDeviceID)) {
			t.Errorf("%s: the report's %q holds the paste's DeviceId", what, k)
		}
	}
	if !bytes.Contains(doc["results"], []byte(carolDeviceID)) {
		t.Errorf("%s: no result names the pasted device: the paste was not judged", what)
	}
}

// TestClientSecretSignInKeepsTheSecret signs in with --auth clientsecret, the secret in the
// environment. The sign-in goes to the identity platform, which the test proxy refuses on loopback:
// every Graph check ends in error saying why, and the secret appears in no output.
func TestClientSecretSignInKeepsTheSecret(t *testing.T) {
	fk := startFakes(t)
	px := startProxy(t)
	secret := randomSecret(t)
	env := []string{"AZURE_CLIENT_SECRET=" + secret, "MDMDOCTOR_ACCESS_TOKEN=",
		"HTTPS_PROXY=http://" + px.addr, "HTTP_PROXY=http://" + px.addr, "NO_PROXY="}
	o := runEnv(t, env, "", true, "check", "--user", "alice@contoso.com", "--auth", "clientsecret",
		"--tenant-id", "11111111-1111-4111-8111-111111111111", "--client-id", "33333333-3333-4333-8333-333333333333",
		"--graph-url", fk.graph.URL(), "--resolver", fk.dns.Addr(), "--format", "json", "--timeout", "45s")
	wantNowhere(t, "clientsecret", o, map[string]string{"the client secret": secret})
	if o.code != 3 {
		t.Errorf("exit %d, want 3 (checks in error): %s", o.code, o.stderr)
	}
	_, byID := decodeReport(t, o.stdout)
	const advice = "get a Graph token: ClientSecretCredential"
	for id, r := range byID {
		msg, _ := r["error"].(string)
		switch {
		case strings.HasPrefix(id, "dns.") || strings.HasPrefix(id, "device."):
		case r["status"] == "skip" && strings.Contains(r["summary"].(string), "app-only"):
			// Delegated-only sources stay skipped for app-only sign-in, token or not.
		case r["status"] != "error" || !strings.Contains(msg, advice) || !strings.Contains(msg, "check the application's secret"):
			t.Errorf("%s: %v %q, want an error about getting the token and what to check", id, r["status"], msg)
		case strings.ContainsAny(msg, "\r\n"):
			t.Errorf("%s: the error spans lines: %q", id, msg)
		}
	}
	if len(px.hosts()) == 0 {
		t.Error("the client secret was never offered for a token: the sign-in was not exercised")
	}
	for _, h := range px.hosts() {
		if !strings.HasPrefix(h, "login.microsoftonline.com") {
			t.Errorf("the run tried to reach %s", h)
		}
	}
}

// flagPattern matches a flag in the help's flag listing (pflag's: "  -h, --help", "      --user string").
var flagPattern = regexp.MustCompile(`^\s+(?:-[a-z], )?--([a-z][a-z0-9-]*)`)

// TestNoFlagTakesASecret reads every command's flags from its help: a secret passed as a flag
// would sit in the shell history and the process list, so none may take one.
func TestNoFlagTakesASecret(t *testing.T) {
	seen := 0
	for _, args := range [][]string{{"--help"}, {"check", "--help"}, {"dns", "--help"}, {"fix", "--help"}, {"undo", "--help"}} {
		r := runCLI(t, "", args...)
		sc := bufio.NewScanner(strings.NewReader(r.stdout))
		for sc.Scan() {
			m := flagPattern.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			seen++
			for _, bad := range []string{"secret", "password", "token", "credential", "key"} {
				if strings.Contains(m[1], bad) {
					t.Errorf("%v: flag -%s takes a %s", args, m[1], bad)
				}
			}
		}
	}
	if seen < 10 {
		t.Fatalf("read only %d flags from the help: the listing changed shape", seen)
	}
	r := runCLI(t, "", "check", "--user", "alice@contoso.com", "--auth", "clientsecret", "--tenant-id", "t", "--client-id", "c")
	if r.code != 2 || !strings.Contains(r.stderr, "AZURE_CLIENT_SECRET") {
		t.Errorf("clientsecret without a secret: exit %d, %q; want exit 2 naming AZURE_CLIENT_SECRET", r.code, r.stderr)
	}
}

// TestHostileTenantTextNeverDrivesTheTerminal: device names come from the devices themselves (a
// user registering a personal device chooses its name), and other tenant strings from whoever may
// edit them. Written raw to a terminal, control characters in them could retitle the window, write
// the clipboard or redraw the screen. The text and Markdown reports must carry none; JSON escapes
// them.
func TestHostileTenantTextNeverDrivesTheTerminal(t *testing.T) {
	fk := startFakes(t)
	const evil = "\x1b]0;owned\x07\x1b[2J\x1b]52;c;ZWNobyBvd25lZA==\x07\r"
	fk.graph.Update(func(tn *graphtest.Tenant) {
		for _, set := range [][]graphtest.Object{tn.Devices, tn.ManagedDevices} {
			for _, o := range set {
				for _, k := range []string{"displayName", "deviceName"} {
					if v, ok := o[k].(string); ok && strings.HasPrefix(v, "CAROL") {
						o[k] = v + evil
					}
				}
			}
		}
		for _, e := range tn.TroubleshootingEvents {
			e["failureReason"] = "denied" + evil
		}
	})
	env := []string{"MDMDOCTOR_ACCESS_TOKEN=" + fk.graph.Token()}
	for _, format := range []string{"text", "markdown", "json"} {
		o := runEnv(t, env, "", false, "check", "--user", "carol@contoso.com", "--graph-url", fk.graph.URL(),
			"--resolver", fk.dns.Addr(), "--format", format)
		if !strings.Contains(o.stdout, "CAROL-LT") {
			t.Fatalf("%s: the report does not show carol's device: %s", format, o.stdout)
		}
		for _, r := range o.stdout + o.stderr {
			if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("%s: the output holds the control character %U", format, r)
				break
			}
		}
	}
}

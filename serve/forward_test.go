package serve

import (
	"io"
	"net"
	"strconv"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/serve/servetest"
)

// freePort is a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// echoOn stands in for the sign-in redirect listener: it echoes what it reads.
func echoOn(t *testing.T, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
}

func TestForwardOnlyToTheSessionsOwnRedirectPort(t *testing.T) {
	alice, bob, restricted := servetest.NewKey(t), servetest.NewKey(t), servetest.NewKey(t)
	port := freePort(t)
	f := startServer(t, servetest.AuthorizedLine(alice, "")+servetest.AuthorizedLine(bob, "")+servetest.AuthorizedLine(restricted, "restrict"),
		func(c *Config) { c.RedirectPort = port; c.PublicHost = "jump.contoso.com" })
	echoOn(t, port)

	ca := f.connect(t, "alice", alice)
	ta := servetest.Open(t, ca, 80, 24, nil)
	waitFor(t, "alice", ta.Out, title("user=alice"))
	app := <-f.apps
	if app.info.RedirectPort != port || app.info.SSHHost != "alice@jump.contoso.com" || app.info.SSHPort == "" {
		t.Fatalf("session info %+v, want redirect port %d and how to reach the server", app.info, port)
	}

	// alice's forward (a second connection, as ssh -N -L opens) reaches her port.
	fwd := f.connect(t, "alice", alice)
	conn, err := fwd.Dial("tcp", "localhost:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("alice's forward to her own redirect port: %v", err)
	}
	if _, err := conn.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("forwarded echo %q, %v", buf, err)
	}
	_ = conn.Close()

	refused := map[string]func() error{
		"alice to another port": func() error { _, err := fwd.Dial("tcp", "localhost:"+strconv.Itoa(port+1)); return err },
		"alice to another host": func() error { _, err := fwd.Dial("tcp", "192.0.2.1:"+strconv.Itoa(port)); return err },
		"bob to alice's port": func() error {
			_, err := f.connect(t, "bob", bob).Dial("tcp", "localhost:"+strconv.Itoa(port))
			return err
		},
	}
	// carol's session holds the next port, but her key is restrict.
	cc := f.connect(t, "carol", restricted)
	tc := servetest.Open(t, cc, 80, 24, nil)
	waitFor(t, "carol", tc.Out, title("user=carol"))
	if _, err := cc.Dial("tcp", "localhost:"+strconv.Itoa(port+1)); err == nil {
		t.Error("a restricted key's forward was allowed")
	}
	waitFor(t, "log", f.log, "the key's options forbid this forward")
	for name, dial := range refused {
		if err := dial(); err == nil {
			t.Errorf("%s: forward allowed", name)
		}
	}
	waitFor(t, "log", f.log, "port forward refused")
}

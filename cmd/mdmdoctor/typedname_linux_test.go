//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/mdmdoctor/mdmdoctor/app/apptest"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// openPTY opens a pseudo-terminal: the operator's keyboard is the master, the command's standard
// input the slave, a terminal as far as the command can tell.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	t.Cleanup(func() { master.Close() })
	unlock := 0
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatal(e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatal(e)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// TestDeleteWithTheTypedName: on a terminal, the record whose BitLocker key goes with it is
// deleted once the operator types the device's name; a wrong name sends nothing.
func TestDeleteWithTheTypedName(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/realworld/graph/bitlocker-list-recoverykeys-filter-deviceid.v1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		typed string
		code  int
		want  string
	}{
		{"yes", 2, `"yes" is not the device's name CAROL-LT; nothing was sent`},
		{"carol-lt", 0, "Applied."},
	} {
		srv, flags, env := fakeTenant(t, "contoso", func(tn *graphtest.Tenant) {
			apptest.AsGlobalAdmin(tn)
			for _, d := range tn.Devices {
				if d.ID() == "bddbcba3-9d08-444c-8520-91153c0b5749" {
					d["accountEnabled"] = false
					d["deviceId"] = "1ab40ab2-32a8-4b00-b6b5-ba724e407de9"
				}
			}
			tn.BitlockerRecoveryKeys = append(tn.BitlockerRecoveryKeys, sampleKey(t, raw))
		})
		srv.ResetRequests()
		master, slave := openPTY(t)
		if _, err := master.WriteString(tc.typed + "\n"); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		environ := append([]string{"XDG_STATE_HOME=" + t.TempDir(), "NO_COLOR=1"}, env...)
		code := run(t.Context(), append([]string{"fix", "devices.duplicates.delete-stale", "--user", "carol@contoso.com", "--yes"}, flags...),
			environ, slave, &out, &errb)
		if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) || !strings.Contains(errb.String(), "Type the device's name (CAROL-LT)") {
			t.Errorf("typed %q: exit %d\n%s\n%s", tc.typed, code, out.String(), errb.String())
		}
		if w := apptest.SentWrites(srv); (tc.code == 0) != (len(w) == 1) {
			t.Errorf("typed %q: sent %v", tc.typed, w)
		}
	}
}

// TestDsregcmdPasteOnATerminal (issue 19): --dsregcmd - on a terminal says what to paste and how to end
// it, then reads the paste up to Ctrl-D.
func TestDsregcmdPasteOnATerminal(t *testing.T) {
	paste, err := os.ReadFile("../../testdata/dsregcmd/demo-carol-duplicate.txt")
	if err != nil {
		t.Fatal(err)
	}
	master, slave := openPTY(t)
	go func() { _, _ = io.Copy(io.Discard, master) }() // the terminal's echo
	go func() {
		_, _ = master.Write(bytes.ReplaceAll(paste, []byte("\r\n"), []byte("\n")))
		_, _ = master.Write([]byte("\n\x04")) // Ctrl-D on a line of its own
	}()
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"check", "--demo", "--user", "carol@contoso.com", "--dsregcmd", "-", "--format", "json"},
		[]string{"XDG_STATE_HOME=" + t.TempDir(), "NO_COLOR=1"}, slave, &out, &errb)
	if !strings.Contains(errb.String(), "Paste the output of dsregcmd /status, then end it with Ctrl-D on a line of its own "+
		"(on Windows: Ctrl-Z, then Enter).") {
		t.Errorf("stderr %q does not say what to paste and how to end", errb.String())
	}
	if _, byID := decodeReport(t, out.String()); code != 1 || byID["device.join-state"]["status"] != "fail" {
		t.Errorf("exit %d, device.join-state %v: the paste was not read", code, byID["device.join-state"]["status"])
	}
}

// TestTextReportWrapsToTheTerminal (issue 19): on a terminal the text report wraps to its width, breaking
// only between words.
func TestTextReportWrapsToTheTerminal(t *testing.T) {
	master, slave := openPTY(t)
	if err := setWidth(slave, 100); err != nil {
		t.Skip("cannot size the pseudo-terminal:", err)
	}
	var got bytes.Buffer
	done := make(chan struct{})
	go func() { _, _ = io.Copy(&got, master); close(done) }()
	code := run(t.Context(), []string{"check", "--demo", "--user", "bob@contoso.com"}, []string{"XDG_STATE_HOME=" + t.TempDir()},
		strings.NewReader(""), slave, &bytes.Buffer{})
	slave.Close()
	<-done
	wide := 0
	for _, l := range strings.Split(strings.ReplaceAll(got.String(), "\r\n", "\n"), "\n") {
		w := utf8.RuneCountInString(l)
		if w > 100 && strings.Contains(strings.TrimSpace(l), " ") {
			t.Errorf("a line of %d columns on a terminal of 100: %q", w, l)
		}
		if w > 80 {
			wide++
		}
	}
	if code != 1 || wide == 0 {
		t.Errorf("exit %d, %d lines wider than 80: the report was not wrapped to the terminal's 100 columns:\n%s", code, wide,
			got.String())
	}
}

// setWidth sets a terminal's size to cols columns by 40 rows.
func setWidth(f *os.File, cols uint16) error {
	ws := [4]uint16{40, cols, 0, 0}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
		return e
	}
	return nil
}

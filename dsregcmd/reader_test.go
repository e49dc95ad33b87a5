package dsregcmd

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func readOne(t *testing.T, r Reader) *facts.Facts {
	t.Helper()
	f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: "alice@contoso.com"}, time.Now())
	n := 0
	for d := range facts.Gather(context.Background(), f.Target, r) {
		if d.Source != facts.SrcDsregcmd {
			t.Fatalf("delta for %s", d.Source)
		}
		f.Apply(d)
		n++
	}
	if n != 1 {
		t.Fatalf("%d deltas, want 1", n)
	}
	return f
}

func TestReader(t *testing.T) {
	parsed := &facts.Dsregcmd{Sections: []facts.DsregSection{{Name: "Device State"}}}
	tests := []struct {
		name   string
		reader Reader
		state  facts.State
		check  func(*testing.T, *facts.Facts)
	}{
		{"text", Reader{Text: readFixture(t, "joined.txt")}, facts.Loaded, func(t *testing.T, f *facts.Facts) {
			if got := f.Dsregcmd.Value("DeviceId"); got != "6a2f3c1e-4b5d-4e7f-9a1b-2c3d4e5f6a71" {
				t.Errorf("DeviceId = %q", got)
			}
		}},
		{"parsed wins", Reader{Text: []byte("garbage"), Parsed: parsed}, facts.Loaded, func(t *testing.T, f *facts.Facts) {
			if f.Dsregcmd != parsed {
				t.Error("the parsed output was not used as is")
			}
		}},
		{"nothing", Reader{Text: []byte(" \n")}, facts.Skipped, func(t *testing.T, f *facts.Facts) {
			if got := f.Status(facts.SrcDsregcmd).Reason; got != SkipReason {
				t.Errorf("reason = %q", got)
			}
		}},
		{"not dsregcmd", Reader{Text: readFixture(t, "not-dsregcmd.txt")}, facts.Failed, func(t *testing.T, f *facts.Facts) {
			if got := f.Status(facts.SrcDsregcmd).Reason; got != ErrNotDsregcmd.Error() {
				t.Errorf("reason = %q", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readOne(t, tt.reader)
			st := f.Status(facts.SrcDsregcmd)
			if st.State != tt.state {
				t.Fatalf("state = %v (%s), want %v", st.State, st.Reason, tt.state)
			}
			if st.Endpoint != Endpoint {
				t.Errorf("endpoint = %q", st.Endpoint)
			}
			tt.check(t, f)
		})
	}
}

// A reader whose consumer has gone must return instead of blocking on the channel.
func TestReaderHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() {
		Reader{Text: readFixture(t, "joined.txt")}.Read(ctx, facts.Target{}, make(chan facts.Delta))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Read blocked after its context ended")
	}
}

func TestReadAllBound(t *testing.T) {
	if _, err := ReadAll(bytesReader(MaxSize + 1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	b, err := ReadAll(bytesReader(MaxSize))
	if err != nil || len(b) != MaxSize {
		t.Fatalf("ReadAll(MaxSize) = %d bytes, %v", len(b), err)
	}
}

type zeroReader struct{ n int }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), z.n)
	clear(p[:k])
	z.n -= k
	return k, nil
}

func bytesReader(n int) io.Reader { return &zeroReader{n: n} }

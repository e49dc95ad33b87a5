package dsregcmd

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxSize bounds the input. A real `dsregcmd /status` output is a few kilobytes (twice that when saved
// as UTF-16), so anything larger is not one and is refused before it is parsed.
const MaxSize = 1 << 20

// ErrTooLarge is returned for input larger than MaxSize.
var ErrTooLarge = errors.New("the dsregcmd /status output is larger than 1 MiB: " +
	"paste only the output of `dsregcmd /status`")

// ReadAll reads at most MaxSize bytes from r, refusing larger input with ErrTooLarge. The CLI uses it
// for --dsregcmd FILE and stdin so that a wrong file is refused without being read whole.
func ReadAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the dsregcmd /status output: %w; save it to a file and pass --dsregcmd FILE", err)
	}
	if len(b) > MaxSize {
		return nil, ErrTooLarge
	}
	return b, nil
}

// decode turns the raw bytes into valid UTF-8 text. Windows PowerShell 5.1 redirects (`> file.txt`)
// as UTF-16 LE with a byte-order mark and Notepad may add a UTF-8 one, so both are handled here.
func decode(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		b = b[3:]
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return utf16String(b[2:], false)
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return utf16String(b[2:], true)
	case looksUTF16LE(b):
		return utf16String(b, false)
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// looksUTF16LE recognises UTF-16 LE without a byte-order mark: ASCII text with a zero after every byte.
func looksUTF16LE(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	return b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0
}

func utf16String(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		lo, hi := b[2*i], b[2*i+1]
		if bigEndian {
			lo, hi = hi, lo
		}
		u[i] = uint16(lo) | uint16(hi)<<8
	}
	return string(utf16.Decode(u))
}

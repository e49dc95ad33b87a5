//go:build !windows

package fix

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// OpenPrivate opens path for appending, creating it with mode 0600, and refuses a symbolic link
// there (O_NOFOLLOW): a link planted at the journal or debug log path would send tenant data, or
// the journal's lines, to a file of someone else's choosing. A file that exists with wider
// permissions is narrowed to its owner.
func OpenPrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND|syscall.O_NOFOLLOW, 0o600)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%s is a symbolic link: mdmdoctor writes only to a regular file there; "+
			"remove the link", path)
	}
	if err != nil {
		return nil, err
	}
	if err := regularPrivate(f, path); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// openRead opens path for reading without following a symbolic link.
func openRead(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%s is a symbolic link: mdmdoctor reads the journal only from a regular file; "+
			"remove the link", path)
	}
	return f, err
}

// regularPrivate refuses anything but a regular file and narrows its mode to 0600.
func regularPrivate(f *os.File, path string) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s): remove it", path, fi.Mode().Type())
	}
	if fi.Mode().Perm() != 0o600 {
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("restrict %s to its owner: %w", path, err)
		}
	}
	return nil
}

// StateDirWarning says, when the journal's directory or its parent may be written by other users,
// that they could replace the journal; "" when only the owner can.
func StateDirWarning(journalPath string) string {
	dir := filepath.Dir(journalPath)
	for _, d := range []string{dir, filepath.Dir(dir)} {
		fi, err := os.Stat(d)
		if errors.Is(err, fs.ErrNotExist) || err != nil {
			continue
		}
		// A sticky directory (/tmp) lets others create files but not replace ours.
		if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
			return fmt.Sprintf("warning: %s is writable by other users (mode %04o), who could replace the journal; "+
				"run chmod go-w %s", d, fi.Mode().Perm(), d)
		}
	}
	return ""
}

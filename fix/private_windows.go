//go:build windows

package fix

import (
	"fmt"
	"io/fs"
	"os"
)

// OpenPrivate opens path for appending, creating it, and refuses a symbolic link or other reparse
// point there. Windows has no O_NOFOLLOW: the path is checked with Lstat before it is opened, so a
// link planted between the check and the open is not caught (the README says so), and the file's
// access is its directory's ACL, which mdmdoctor does not change.
func OpenPrivate(path string) (*os.File, error) {
	if err := notLink(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file: remove it", path)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// openRead opens path for reading, refusing a symbolic link or reparse point.
func openRead(path string) (*os.File, error) {
	if err := notLink(path); err != nil {
		return nil, err
	}
	return os.Open(path)
}

func notLink(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil // a missing file is created; other errors surface at the open
	}
	if fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0 {
		return fmt.Errorf("%s is a symbolic link or reparse point: mdmdoctor writes only to a regular file "+
			"there; remove it", path)
	}
	return nil
}

// StateDirWarning is empty on Windows: the directory's ACL, not mode bits, decides who may write.
func StateDirWarning(string) string { return "" }

package recent

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestAddMovesToFrontWithoutDuplicates(t *testing.T) {
	l := Add([]string{"alice@contoso.com", "bob@contoso.com"}, "BOB@contoso.com")
	if want := []string{"BOB@contoso.com", "alice@contoso.com"}; !slices.Equal(l, want) {
		t.Fatalf("Add = %v, want %v", l, want)
	}
	for i := range 20 {
		l = Add(l, strings.Repeat("x", i+1)+"@contoso.com")
	}
	if len(l) != Max || !strings.HasPrefix(l[0], strings.Repeat("x", 20)+"@") {
		t.Fatalf("after 20 adds: %d entries, first %s", len(l), l[0])
	}
}

func TestSaveLoadPrivately(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "mdmdoctor", "recent.json")
	if l, err := Load(path); err != nil || l != nil {
		t.Fatalf("missing file: %v, %v", l, err)
	}
	want := []string{"carol@contoso.com", "DESKTOP-4F2K9"}
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("Load = %v, %v; want %v", got, err, want)
	}
	for p, mode := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s has mode %o, want %o", p, fi.Mode().Perm(), mode)
		}
	}
	// Saving again replaces the file and leaves no temporary file behind.
	if err := Save(path, want[:1]); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("%d files in the state folder, want 1", len(entries))
	}
}

func TestLoadCorruptSaysWhatToDo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "recent.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "delete the file") {
		t.Fatalf("Load of a corrupt file: %v", err)
	}
}

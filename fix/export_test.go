package fix

import "io"

// WrapJournalWrites puts w between the journal and its file, for tests of a failing disk.
func WrapJournalWrites(j *Journal, w func(io.Writer) io.Writer) { j.wrap = w }

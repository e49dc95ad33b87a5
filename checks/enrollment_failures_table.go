package checks

import (
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// failureTable lays the user's Intune troubleshooting events out as the admin center's enrollment
// failures list does (time, category, reason, correlation id), newest first as given, each reason
// decoded through the error catalog when it names a code or a known message.
func failureTable(events []facts.TroubleshootingEvent) *Table {
	t := &Table{Columns: []string{"Time", "Category", "Reason", "Correlation ID"}, Rows: [][]string{}}
	for _, e := range events {
		when := ""
		if !e.EventDateTime.IsZero() {
			when = e.EventDateTime.UTC().Format("2006-01-02 15:04 UTC")
		}
		reason := e.FailureReason
		if n := catalogNote(reason); n != "" {
			reason += " [" + n + "]"
		}
		t.Rows = append(t.Rows, []string{when, failureCategory(e), reason, e.CorrelationID})
	}
	return t
}

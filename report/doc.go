// Package report writes what the checks judged: the report of a run as text for a terminal, Markdown for
// a ticket or the mdmdoctor.report/v1 JSON document (docs/report.schema.json), the tenant sweep's
// CSV and JSON exports for cleanup work, the check catalog and an error code's symptom.
//
// Every writer is a pure function onto an io.Writer. Results reach it already printable
// (checks.Printable); the writers escape what their own format gives meaning to (Markdown markup,
// spreadsheet formulas).
package report

// Package fix applies the fixes the checks plan, safely: a fix is a plan of exact Graph requests on
// a check's result; this package makes it concrete with the operator's choices (a group, a SKU, a
// country, a device), shows it, re-reads the state it depends on right before writing (and stops if
// that changed since the check), journals every write before and after it is sent, re-runs the
// affected checks, and computes the inverse requests that undo a journaled fix.
//
// It never talks to Graph itself and imports neither graph nor the SDK: the CLI hands it a Writer
// (one request sent, its status, request-id and body), a Reader (the current state of an object)
// and a Checker (the checks run again on fresh facts), backed by graph and the engine.
package fix

// Package fix applies the fixes the checks plan, safely: a fix is a plan of typed Graph requests on a
// check's result (checks.Request: what each does and the objects it names); this package makes it
// concrete with the operator's choices (a group, a SKU, a country, a device), shows it, re-reads the
// state it depends on right before writing (and stops if that changed since the check), journals every
// write before and after it is sent, re-runs the affected checks, and computes the inverse requests that
// undo a journaled fix. The journal keeps each request as the method, URL and body it sends, and each
// entry names the Graph account that sent it and, from a served session, the SSH user and key it came
// through.
//
// It never talks to Graph itself: the application hands it a Writer (one request sent, Graph's answer
// as a graph.Response), a Reader (the current state of an object) and a Checker (the checks run again
// on fresh facts), backed by the graph client and the engine. From package graph it takes only the
// answer's type and its error decoder.
package fix

package graph

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// TestErrorKeepsGraphsReferences decodes Microsoft's published error bodies: the code, the message and
// innerError's request-id, client-request-id and date reach the error's text, for the operator to quote
// to Microsoft support, and the SDK's error model that the error unwraps to.
func TestErrorKeepsGraphsReferences(t *testing.T) {
	for _, tc := range []struct {
		file                                 string
		status                               int
		code, msg, requestID, clientID, date string
		want                                 string
	}{
		{
			file: "setupresourcesfolder-400.json", status: 400, code: "badRequest", msg: "Bad request.",
			requestID: "f88be238-1339-49c8-b03d-37f45d54761f", clientID: "30d8081a-f3e8-73e0-2da4-3480fb56ccdb", date: "2021-09-14T19:05:24",
			want: "(Graph said 400 badRequest: Bad request.; request-id f88be238-1339-49c8-b03d-37f45d54761f, " +
				"client-request-id 30d8081a-f3e8-73e0-2da4-3480fb56ccdb, date 2021-09-14T19:05:24)",
		},
		{
			// The reference page's placeholders: a date that is not a date is still quoted as sent.
			file: "error-response.json", status: 416, code: "invalidRange", msg: "Uploaded fragment overlaps with existing data.",
			requestID: "request-id", date: "date-time",
			want: "(Graph said 416 invalidRange: Uploaded fragment overlaps with existing data.; request-id request-id, date date-time)",
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile("../testdata/realworld/graph/errors/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			e := failure(facts.SrcDomains, tc.status, body, false, "")
			if e.Code != tc.code || e.Message != tc.msg || e.RequestID != tc.requestID || e.ClientRequestID != tc.clientID || e.Date != tc.date {
				t.Errorf("decoded %+v", e)
			}
			if !strings.HasSuffix(e.Error(), tc.want) {
				t.Errorf("error text %q, want it to end %q", e.Error(), tc.want)
			}
			var oe *odataerrors.ODataError
			if !errors.As(e, &oe) {
				t.Fatal("the error does not unwrap to the SDK's *odataerrors.ODataError")
			}
			m := oe.GetErrorEscaped()
			if oe.GetStatusCode() != tc.status || *m.GetCode() != tc.code || *m.GetInnerError().GetRequestId() != tc.requestID {
				t.Errorf("SDK model: status %d, code %q, request-id %q", oe.GetStatusCode(), *m.GetCode(), *m.GetInnerError().GetRequestId())
			}
			if got := m.GetInnerError().GetDate(); (got != nil) != (tc.date == "2021-09-14T19:05:24") ||
				(got != nil && got.UTC().Format("2006-01-02T15:04:05") != tc.date) {
				t.Errorf("SDK model date %v for %q", got, tc.date)
			}
		})
	}
}

// TestErrorReferencesFromHeaders: a whole request whose error body names no request takes the ids
// from the answer's headers.
func TestErrorReferencesFromHeaders(t *testing.T) {
	err := requestFailure(facts.SrcOperator, &statusError{status: 503, body: []byte("<html>busy</html>"),
		header: map[string][]string{"Request-Id": {"r-1"}, "Client-Request-Id": {"c-1"}}}, false, "")
	if want := "(HTTP 503; request-id r-1, client-request-id c-1)"; !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error %q, want it to end %q", err, want)
	}
}

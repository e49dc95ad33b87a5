package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// TestSendAPlannedWrite sends planned requests, written against the public cloud's root, to the
// fake Graph at --graph-url: the exact method, path and body arrive, and every answer (error
// statuses included) comes back with Graph's request-id.
func TestSendAPlannedWrite(t *testing.T) {
	srv, c := demo(t, "contoso")
	ctx := context.Background()
	const kiosk, bob = "322c06b4-50f6-48be-bbea-1c9c6ab2e285", "d91731c4-e2fb-4ee9-a119-b64659a0b445"
	body := []byte(`{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/` + bob + `"}`)
	url := "https://graph.microsoft.com/v1.0/groups/" + kiosk + "/members/$ref"
	resp, err := c.Send(ctx, "POST", url, body)
	if err != nil || resp.Status != http.StatusNoContent || resp.RequestID == "" {
		t.Fatalf("add member: %+v %v", resp, err)
	}
	var got []graphtest.Request
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			got = append(got, r)
		}
	}
	if len(got) != 1 || got[0].Path != "/v1.0/groups/"+kiosk+"/members/$ref" || string(got[0].Body) != string(body) {
		t.Fatalf("the server received %+v", got)
	}
	resp, err = c.Send(ctx, "POST", url, body)
	if err != nil || resp.Status != http.StatusBadRequest || !strings.Contains(string(resp.Body), "already exist") {
		t.Errorf("adding twice: %d %s %v", resp.Status, resp.Body, err)
	}
	// The refusal decodes as every Graph error does: Graph's code and message, the request's id.
	if f := resp.Failure(); f == nil || f.Status != http.StatusBadRequest || f.Code == "" ||
		!strings.Contains(f.Message, "already exist") || f.RequestID == "" {
		t.Errorf("the refusal decoded as %+v", f)
	}
	resp, err = c.Send(ctx, "GET", "/beta/policies/mobileDeviceManagementPolicies/0000000a-0000-0000-c000-000000000000?$select=id,appliesTo", nil)
	var pol map[string]any
	if err != nil || json.Unmarshal(resp.Body, &pol) != nil || pol["appliesTo"] != "selected" || len(pol) != 3 {
		t.Errorf("a relative beta read with $select: %s %v", resp.Body, err)
	}
	resp, err = c.Send(ctx, "DELETE", "https://graph.microsoft.com/v1.0/groups/"+kiosk+"/members/"+bob+"/$ref", nil)
	if err != nil || resp.Status != http.StatusNoContent || resp.Failure() != nil {
		t.Errorf("remove member: %d %v %v", resp.Status, err, resp.Failure())
	}
}

func TestSendRefusesOtherHostsAndPaths(t *testing.T) {
	srv, c := demo(t, "contoso")
	for _, u := range []string{"https://evil.example.com/v1.0/users", "https://graph.microsoft.com/users", "ftp://graph.microsoft.com/v1.0/x"} {
		if _, err := c.Send(context.Background(), "GET", u, nil); err == nil {
			t.Errorf("%s was sent", u)
		}
	}
	if _, err := c.Send(context.Background(), "HEAD", "/v1.0/users", nil); err == nil {
		t.Error("HEAD was sent")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the server saw %d requests", n)
	}
}

// TestSendReportsNoAnswer: a connection cut before Graph answers is an error saying the write may
// or may not have been applied, not a status.
func TestSendReportsNoAnswer(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.Inject(graphtest.Fault{Method: "PATCH", Delay: 10 * time.Second})
	go func() {
		for len(srv.Requests()) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		srv.Close()
	}()
	_, err := c.Send(context.Background(), "PATCH", "/beta/policies/mobileDeviceManagementPolicies/0000000a-0000-0000-c000-000000000000", []byte(`{"appliesTo":"all"}`))
	if err == nil || !strings.Contains(err.Error(), "may or may not have been applied") {
		t.Errorf("cut connection: %v", err)
	}
}

func TestSendHonoursCancellation(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.SetLatency(5 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Send(ctx, "GET", "/v1.0/domains", nil); err == nil {
		t.Error("a cancelled request succeeded")
	}
}

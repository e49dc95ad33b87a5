package graph_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

func TestDebugLogNamesRequestsNeverTheToken(t *testing.T) {
	srv, _ := demo(t, "contoso")
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := graph.New(context.Background(), graph.Config{Auth: graph.AuthToken, AccessToken: srv.Token(), GraphURL: srv.URL(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	target := facts.Target{Kind: facts.TargetUser, User: "alice@contoso.com"}
	for range facts.Gather(context.Background(), target, c) {
	}
	out := buf.String()
	if strings.Count(out, "graph request") != 3 || !strings.Contains(out, "/v1.0/$batch") || !strings.Contains(out, "status=200") {
		t.Errorf("debug log:\n%s", out)
	}
	payload := strings.Split(srv.Token(), ".")[1]
	if strings.Contains(out, payload) {
		t.Error("the debug log holds the access token")
	}
}

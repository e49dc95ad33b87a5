package signin

import (
	"errors"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

func newScreen() Model {
	m := New(tuitest.Deps())
	m.SetSize(80, 20)
	m, _ = m.Start()
	return m
}

func TestPromptShowsCodeAndCopiesItAgain(t *testing.T) {
	m := newScreen().Prompt(facts.SignInPrompt{UserCode: "FQK72RMW", VerificationURL: "https://microsoft.com/devicelogin", Message: "Use a browser."})
	view := tuitest.Plain(m.View())
	for _, want := range []string{"FQK72RMW", "https://microsoft.com/devicelogin", "Waiting for you", "Use a browser."} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	tuitest.RequireFits(t, m.View(), 80, 20)
	_, _, req := m.Update(tuitest.Press("c"))
	if got, ok := req.(nav.Copy); !ok || got.Text != "FQK72RMW" {
		t.Fatalf("c sent %#v, want the code copied", got)
	}
}

func TestAuthCodePromptShowsTheForwardAndCopiesTheAddress(t *testing.T) {
	url := "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=x&code_challenge=y"
	m := newScreen().Prompt(facts.SignInPrompt{VerificationURL: url,
		Message: "Sign in through an SSH port forward: on your own machine run\n  ssh -N -L 8400:localhost:8400 -p 2222 alice@jump\nthen open this address in your browser there:\n  " + url})
	view := tuitest.Plain(m.View())
	for _, want := range []string{"ssh -N -L 8400:localhost:8400 -p 2222 alice@jump", "sign-in address was copied", "Waiting for you"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "enter the code") {
		t.Errorf("the authorization code flow has no code to enter:\n%s", view)
	}
	_, _, req := m.Update(tuitest.Press("c"))
	if got, ok := req.(nav.Copy); !ok || got.Text != url {
		t.Fatalf("c sent %#v, want the sign-in address copied", got)
	}
}

func TestCopyNeedsACode(t *testing.T) {
	_, _, req := newScreen().Update(tuitest.Press("c"))
	if req != nil {
		t.Fatalf("c before any code sent %#v", req)
	}
}

func TestEscCancelsWhileWaiting(t *testing.T) {
	for _, m := range []Model{newScreen(), newScreen().Prompt(facts.SignInPrompt{UserCode: "X"})} {
		_, _, req := m.Update(tuitest.Press("esc"))
		if _, ok := req.(CancelMsg); !ok {
			t.Fatalf("esc in state %d did not cancel", m.State())
		}
	}
}

func TestFailureAndCancelOfferRetry(t *testing.T) {
	failed := newScreen().Fail(errors.New("AADSTS70020: the code expired"))
	if v := tuitest.Plain(failed.View()); !strings.Contains(v, "Sign-in failed") || !strings.Contains(v, "AADSTS70020") {
		t.Fatalf("failure view:\n%s", v)
	}
	cancelled := newScreen().Cancel()
	if v := tuitest.Plain(cancelled.View()); !strings.Contains(v, "cancelled") {
		t.Fatalf("cancel view:\n%s", v)
	}
	for _, m := range []Model{failed, cancelled} {
		_, _, req := m.Update(tuitest.Press("enter"))
		if _, ok := req.(RetryMsg); !ok {
			t.Fatalf("enter in state %d did not retry", m.State())
		}
		if _, _, req := m.Update(tuitest.Press("esc")); req != nil {
			t.Fatalf("esc after the end sent %#v", req)
		}
	}
}

func TestHelpFollowsState(t *testing.T) {
	if h := newScreen().Prompt(facts.SignInPrompt{UserCode: "X"}).Help(); len(h.Short) != 2 {
		t.Fatalf("prompted help has %d keys, want copy and cancel", len(h.Short))
	}
	if h := newScreen().Fail(errors.New("x")).Help(); h.Short[0].Help().Desc != "try again" {
		t.Fatalf("failed help starts with %q", h.Short[0].Help().Desc)
	}
}

func TestSpinnerStopsOnceSignedIn(t *testing.T) {
	m := newScreen().Done()
	if _, cmd, _ := m.Update(m.spinner.Tick()); cmd != nil {
		t.Fatal("the spinner still ticks after sign-in")
	}
	if !strings.Contains(tuitest.Plain(m.View()), "✓ Signed in.") {
		t.Fatal("signed-in view")
	}
}

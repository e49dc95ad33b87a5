package facts

// SignInPrompt is what the operator must do to finish an interactive sign-in, from the identity
// platform: for the device code flow, enter UserCode at VerificationURL; for the authorization code
// flow over an SSH port forward, open VerificationURL (UserCode is empty). Message is the platform's
// or mdmdoctor's own sentence saying so, shown beneath. graph produces it, the TUI and stderr show it.
type SignInPrompt struct {
	Message         string
	UserCode        string
	VerificationURL string
}

// Command mdmdoctor troubleshoots Windows automatic MDM enrollment into Microsoft Intune. This package
// is the command line only: cobra commands whose flags fill an app.Config; main reads the environment,
// once, and the app package does the rest.
package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/mdmdoctor/mdmdoctor/app"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/internal/cmdutil"
)

// Stamped by make build and make dist: -ldflags "-X main.stampVersion=... -X main.stampCommit=...
// -X main.stampDate=...". A binary built with go install has none of them and reads its build info.
var stampVersion, stampCommit, stampDate string

//go:embed help
var help embed.FS // the commands' long descriptions, help/NAME.txt

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs one command line with the environment environ (KEY=VALUE) and the streams given: the binary
// passes its own, tests their own. Bad input is one line on stderr and exit 2.
func run(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	c := &cli{build: app.Build(stampVersion, stampCommit, stampDate, debug.ReadBuildInfo)}
	c.cfg = app.FromEnvironment(func(k string) string { return env[k] })
	c.cfg.Version, c.cfg.Stdin, c.cfg.Stdout, c.cfg.Stderr, c.cfg.Environ = c.build.Version, stdin, stdout, stderr, environ
	// Read once, here: where the TUI saves a file name, and the host named in --auth authcode's forward.
	c.cfg.WorkDir, _ = os.Getwd()
	c.cfg.HostName, _ = os.Hostname()
	root := c.root()
	root.SetArgs(arguments(args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmdutil.StrictCompletion(root) // after SetOut: cobra's completion commands keep the writer they find
	if err := root.ExecuteContext(ctx); err != nil {
		// Errors may quote Graph's or a paste's text (group names, SKUs, device names): data, made printable.
		fmt.Fprintf(stderr, "mdmdoctor: %s\n", checks.Printable(strings.Join(strings.Fields(err.Error()), " ")))
		return 2
	}
	return c.code
}

// arguments are args as cobra reads them: "tui" names the default command, explain takes negative codes.
func arguments(args []string) []string {
	if len(args) > 0 && args[0] == "tui" {
		return args[1:]
	}
	return cmdutil.NumbersLast(args, "explain")
}

// long is a command's long description from help/NAME.txt.
func long(name string) string {
	b, _ := help.ReadFile("help/" + name + ".txt")
	return strings.TrimSpace(string(b))
}

// Command mdmdoctor troubleshoots Windows automatic MDM enrollment into Microsoft Intune.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// streams are the process's standard files, passed down so tests can run commands in-process too.
type streams struct {
	in          io.Reader
	out, errOut io.Writer
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s := streams{in: stdin, out: stdout, errOut: stderr}
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var code int
	var err error
	switch cmd {
	case "", "tui":
		code, err = runInteractive(ctx, args, s)
	case "check":
		code, err = runCheck(ctx, args, s)
	case "dns":
		code, err = runDNS(ctx, args, s)
	case "fix":
		code, err = runFix(ctx, args, s)
	case "undo":
		code, err = runUndo(ctx, args, s)
	case "explain":
		code, err = runExplain(args, s)
	case "checks":
		code, err = runCatalog(args, s)
	case "version":
		err = writeVersion(s)
	case "help":
		fmt.Fprint(stdout, mainHelp)
		return 0
	default:
		err = usagef("unknown command %q: run 'mdmdoctor --help' for the commands", cmd)
	}
	if err != nil {
		// Errors may quote Graph's or a paste's text (group names, SKUs, device names): data, made printable.
		fmt.Fprintf(stderr, "mdmdoctor: %s\n", checks.Printable(oneLine(err.Error())))
		return 2
	}
	return code
}

// oneLine keeps an error message on one line, however deep the wrapping.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

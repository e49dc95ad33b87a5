package main

import "context"

// runInteractive starts the TUI. It is wired to the tui package once that lands.
func runInteractive(ctx context.Context, args []string, s streams) (int, error) {
	return 0, usagef("the interactive troubleshooter is not wired yet: use check --user UPN or dns DOMAIN")
}

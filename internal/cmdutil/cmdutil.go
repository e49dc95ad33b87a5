// Package cmdutil holds the command line's cobra helpers that are not mdmdoctor's commands: bad input as
// one line that says what to type instead (a mistyped flag, command or argument), fixed completions, and
// arguments that look like flags. cmd/mdmdoctor keeps the command definitions and their wiring.
package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FlagError is a cobra flag error func: a mistyped flag as one line naming the nearest flag there is
// (cobra's own suggestion rule, nearest first: exact or a prefix, then one edit, then two) and the --help
// that lists the flags; a single-dash long flag is told it takes two dashes.
func FlagError(cmd *cobra.Command, err error) error {
	msg, typed := err.Error(), ""
	if _, after, ok := strings.Cut(msg, "unknown flag: "); ok {
		typed = after
	} else if i := strings.Index(msg, " in -"); strings.HasPrefix(msg, "unknown shorthand flag") && i >= 0 {
		typed = msg[i+4:]
	}
	help := fmt.Sprintf("run '%s --help' for the flags", cmd.CommandPath())
	if typed == "" {
		return fmt.Errorf("%s: %s", msg, help)
	}
	name, s := strings.TrimLeft(typed, "-"), []string(nil)
	probe := &cobra.Command{}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		probe.AddCommand(&cobra.Command{Use: f.Name, Run: func(*cobra.Command, []string) {}})
	})
	for d := 0; len(s) == 0 && d <= 2; d++ {
		probe.SuggestionsMinimumDistance = d
		s = probe.SuggestionsFor(name)
	}
	switch {
	case len(s) == 0:
		return fmt.Errorf("unknown flag %s: %s", typed, help)
	case s[0] == name:
		return fmt.Errorf("unknown flag %s: long flags take two dashes, --%s; %s", typed, name, help)
	}
	return fmt.Errorf("unknown flag %s: did you mean --%s? Or %s", typed, s[0], help)
}

// NoArgs is a cobra Args func for a command that takes no argument: a mistyped sub-command gets the
// nearest one, any other argument is refused.
func NoArgs(cmd *cobra.Command, args []string) error {
	root := cmd.Root().Name()
	switch s := cmd.SuggestionsFor(append(args, "")[0]); {
	case len(args) == 0:
		return nil
	case len(s) > 0:
		return fmt.Errorf("unknown command %q: did you mean %s? Run '%s --help' for the commands", args[0], s[0], root)
	case cmd.HasSubCommands():
		return fmt.Errorf("unknown command %q: run '%s --help' for the commands", args[0], root)
	}
	return fmt.Errorf("unexpected argument %q: %s takes none; run '%[2]s --help' for its flags", args[0],
		cmd.CommandPath())
}

// StrictCompletion adds cobra's completion command to root, once root has its commands and its output,
// refusing a shell it has no script for as bad input: cobra's own command prints its help and exits 0
// then, and a script that sources the output reads the help as shell.
func StrictCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			var shells []string
			for _, s := range cmd.Commands() {
				if s.IsAvailableCommand() {
					shells = append(shells, s.Name())
				}
			}
			return fmt.Errorf("no completion script for %q: name one of %s, e.g. %s bash", args[0],
				strings.Join(shells, ", "), cmd.CommandPath())
		}
	}
}

// Complete offers a flag's fixed values to shell completion.
func Complete(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// CompleteList offers values for a comma-separated list flag, each after what was typed up to the last
// comma.
func CompleteList(cmd *cobra.Command, flag string, values func() []string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(_ *cobra.Command, _ []string, typed string) ([]string,
		cobra.ShellCompDirective) {
		var out []string
		for _, v := range values() {
			out = append(out, typed[:strings.LastIndex(typed, ",")+1]+v)
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
}

// NumbersLast moves the arguments of sub-command that are negative numbers (explain's -2145910764)
// behind "--", where cobra reads them as arguments, not as flags.
func NumbersLast(args []string, sub string) []string {
	if len(args) == 0 || args[0] != sub {
		return args
	}
	var rest, numbers []string
	for _, a := range args {
		if len(a) > 1 && a[0] == '-' && strings.Trim(a[1:], "0123456789") == "" {
			numbers = append(numbers, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(append(rest, "--"), numbers...)
}

package main

import "fmt"

// usageError is bad input from the operator: one line saying what is wrong and what to do, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

const mainHelp = `mdmdoctor: find why a Windows device did not enroll in Microsoft Intune automatically, and fix it.

Usage:
  mdmdoctor [flags]                      interactive troubleshooter (sign-in, target, checks, fixes)
  mdmdoctor --demo                       the same on the built-in demo tenants: no sign-in, no network
  mdmdoctor check --user UPN [flags]     triage one user (add --dsregcmd FILE for the device's view)
  mdmdoctor check --tenant [flags]       walk the whole tenant through the enrollment set-up
  mdmdoctor dns DOMAIN... [flags]        DNS checks only, no sign-in
  mdmdoctor fix FIX-ID --user UPN        apply one fix: plan, confirm (the word yes), journal, re-check
  mdmdoctor undo [JOURNAL-ID]            revert a journaled fix where it can (the latest when no ID)
  mdmdoctor explain CODE|TEXT            an enrollment error code, event or message: meaning, causes (offline)
  mdmdoctor checks                       list the check catalog
  mdmdoctor version                      print the version

Run 'mdmdoctor COMMAND --help' for a command's flags.

Exit codes: 0 no check failed or errored, 1 some check failed, 2 could not run (bad input, sign-in failed),
3 some checks ended in error.
`

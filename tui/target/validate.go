package target

import (
	"errors"
	"strings"
)

// Kind is what the operator's input looks like.
type Kind int

// Input kinds.
const (
	// Empty is nothing typed yet.
	Empty Kind = iota
	// UPN is a user principal name: the user is triaged directly.
	UPN
	// Device is a device name or serial number: the backend resolves it to its primary user.
	Device
)

// Classify says what input looks like, or why it can be neither a UPN nor a device name or serial.
// It judges form only; whether the user or device exists is for the backend to find out.
func Classify(input string) (Kind, error) {
	s := strings.TrimSpace(input)
	switch {
	case s == "":
		return Empty, nil
	case strings.ContainsAny(s, " \t"):
		return Empty, errors.New("no spaces: a UPN is name@domain, a device name or serial is one word")
	case strings.Contains(s, "@"):
		return UPN, checkUPN(s)
	}
	return Device, checkDevice(s)
}

func checkUPN(s string) error {
	local, domain, _ := strings.Cut(s, "@")
	switch {
	case local == "":
		return errors.New("a UPN needs a name before the @")
	case strings.Contains(domain, "@"):
		return errors.New("a UPN has exactly one @")
	case domain == "":
		return errors.New("a UPN needs a domain after the @, e.g. contoso.com")
	case !strings.Contains(domain, "."):
		return errors.New("the domain needs a dot, e.g. contoso.com")
	case len(s) > 113:
		return errors.New("a UPN is at most 113 characters")
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" {
			return errors.New("the domain has an empty part: check the dots")
		}
		for _, r := range label {
			if !isAlnum(r) && r != '-' && r < 0x80 {
				return errors.New("the domain may hold only letters, digits, hyphens and dots")
			}
		}
	}
	return nil
}

func checkDevice(s string) error {
	if len(s) > 64 {
		return errors.New("a device name or serial is at most 64 characters")
	}
	for _, r := range s {
		if !isAlnum(r) && !strings.ContainsRune("-_.", r) {
			return errors.New("a device name or serial holds letters, digits, - _ and . only; a UPN needs an @")
		}
	}
	return nil
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/graph"
)

// ResolveDevice finds the one user of a device named or with the serial number input, in the signed-in
// tenant (every demo tenant in the demo). Several owners or none are errors saying what to type instead.
func (a *App) ResolveDevice(ctx context.Context, input string) (string, error) {
	var clients []*graph.Client
	a.mu.Lock()
	if a.client != nil {
		clients = append(clients, a.client)
	}
	a.mu.Unlock()
	for _, d := range a.tenants {
		clients = append(clients, d.client)
	}
	var found []graph.DeviceOwner
	for _, c := range clients {
		owners, err := c.ResolveDevice(ctx, input)
		if err != nil {
			return "", err
		}
		found = append(found, owners...)
	}
	upns := map[string]bool{}
	var list []string
	for _, o := range found {
		if !upns[strings.ToLower(o.UPN)] {
			upns[strings.ToLower(o.UPN)] = true
			list = append(list, fmt.Sprintf("%s (%s)", o.UPN, o.Where))
		}
	}
	switch len(list) {
	case 0:
		return "", fmt.Errorf("no device named %q or with that serial number in Intune or Entra ID: type the user's "+
			"UPN instead", input)
	case 1:
		return found[0].UPN, nil
	}
	return "", fmt.Errorf("%q belongs to several users: %s; type the UPN of the one to check", input,
		strings.Join(list, ", "))
}

package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/gateway"
)

// addGatewayFlag gives a command the one --gateway flag every command
// shares: same name, same help, same list of gateways (the registry's).
func addGatewayFlag(cmd *cobra.Command, target *string, def, what string) {
	cmd.Flags().StringVar(target, "gateway", def, what+": "+strings.Join(gateway.IDs(), ", "))
}

// lookupGateway is the registry entry of a --gateway value, or a usage
// error naming the gateways there are.
func lookupGateway(id string) (gateway.Descriptor, error) {
	d, err := gateway.Lookup(id)
	if err != nil {
		return d, usageErr(fmt.Errorf("--gateway: %w", err))
	}
	return d, nil
}

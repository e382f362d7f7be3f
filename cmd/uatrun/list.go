package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/scenarios"
)

func newListCmd() *cobra.Command {
	var pack, gw string
	cmd := &cobra.Command{
		Use:   "list [--gateway G | --pack NAME]",
		Short: "List the built-in scenarios and the gateway scenarios they map to",
		Example: `  uatrun list
  uatrun list --gateway midtrans-snap
  uatrun list --pack dana-gapura`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			only, err := listedPack(pack, gw)
			if err != nil {
				return err
			}
			return runList(cmd.OutOrStdout(), only)
		},
	}
	cmd.Flags().StringVar(&pack, "pack", "", "one pack: "+strings.Join(scenarios.Names(), ", "))
	addGatewayFlag(cmd, &gw, "", "only the built-in pack of this gateway")
	return cmd
}

// listedPack is the one pack --pack or --gateway asks for ("" for all).
func listedPack(pack, gw string) (string, error) {
	if gw == "" {
		return pack, nil
	}
	d, err := lookupGateway(gw)
	if err != nil {
		return "", err
	}
	if pack != "" && pack != d.Pack {
		return "", usageErr(fmt.Errorf("--pack %s is not %s's pack (%s); give one of the two flags", pack, d.ID, d.Pack))
	}
	return d.Pack, nil
}

// listJSON is one pack in list's --json output.
type listJSON struct {
	Pack      string             `json:"pack"`
	Digest    string             `json:"digest"`
	Scenarios []listScenarioJSON `json:"scenarios"`
}

type listScenarioJSON struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Family    string   `json:"family"`
	Mandatory bool     `json:"mandatory"`
	Labels    []string `json:"labels,omitempty"`
	MapsTo    []string `json:"maps_to,omitempty"`
}

func runList(w io.Writer, only string) error {
	names := scenarios.Names()
	if only != "" {
		names = []string{only}
	}
	var packs []listJSON
	for _, n := range names {
		p, err := scenarios.Load(n)
		if err != nil {
			return usageErr(err)
		}
		if global.json {
			lj := listJSON{Pack: n, Digest: p.Digest, Scenarios: []listScenarioJSON{}}
			for _, sc := range p.Scenarios {
				lj.Scenarios = append(lj.Scenarios, listScenarioJSON{ID: sc.ID, Title: sc.Title, Family: sc.Family,
					Mandatory: sc.Mandatory, Labels: sc.AllLabels(), MapsTo: sc.MapsTo})
			}
			packs = append(packs, lj)
			continue
		}
		fmt.Fprintf(w, "%s%s (%d scenarios, digest %s)\n", n, productName(n), len(p.Scenarios), p.Digest[:12])
		for _, sc := range p.Scenarios {
			fmt.Fprintf(w, "  %-16s %-11s %-11s %s\n", sc.ID, tierWord(sc), sc.Family, sc.Title)
			if len(sc.MapsTo) > 0 {
				fmt.Fprintf(w, "  %-16s %-10s %-11s ↳ %s\n", "", "", "", strings.Join(sc.MapsTo, "; "))
			}
		}
	}
	if global.json {
		return writeJSON(w, packs)
	}
	return nil
}

// tierWord is the scenario's tier as the list shows it.
func tierWord(sc *scenario.Scenario) string {
	switch {
	case sc.Mandatory:
		return scenario.TierMandatory
	case sc.Tier != "":
		return sc.Tier
	}
	return scenario.TierOptional
}

// productName is ": <gateway name>" for a gateway's pack, "" otherwise.
func productName(pack string) string {
	for _, d := range gateway.All() {
		if d.Pack == pack {
			return ": " + d.Name
		}
	}
	return ""
}

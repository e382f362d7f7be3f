package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/demo"
	"github.com/uatrun/uatrun/harness/engine"
)

type demoOpts struct {
	gateway  string
	faults   []string
	out      string
	labels   string
	scenario string
	failFast bool
	order    orderFlags
}

func newDemoCmd() *cobra.Command {
	var o demoOpts
	cmd := &cobra.Command{
		Use:   "demo [--gateway G] [--fault NAME]... [--out DIR]",
		Short: "Run the full mandated suite against the bundled example shop and emulator",
		Long: `demo starts the gateway's bundled example merchant (--gateway, default
dana-gapura: examples/shop) and its emulator in-process, runs the full mandated
scenario catalogue against them on a virtual clock, and writes the sign-off
evidence (HTML, JSON, JUnit, Markdown) to --out.

--fault switches on one of the shop's real-world integration bugs, to show what
a failing run and report look like; --fault list prints them.

` + exitCodesHelp,
		Example: `  uatrun demo
  uatrun demo --fault list
  uatrun demo --fault notify-no-verify --out /tmp/failing
  uatrun demo --gateway dana-gapura --labels 'refund || cancel'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDemo(cmd.OutOrStdout(), o) },
	}
	f := cmd.Flags()
	addGatewayFlag(cmd, &o.gateway, demo.DefaultGateway, "gateway to demo")
	f.StringArrayVar(&o.faults, "fault", nil, "switch on a shop fault (repeatable); 'list' prints them")
	f.StringVar(&o.out, "out", "uat-evidence", "directory for the evidence and reports")
	addFilterFlags(cmd, &o.labels, &o.scenario, &o.failFast)
	addOrderFlags(cmd, &o.order)
	return cmd
}

func runDemo(w io.Writer, o demoOpts) error {
	d, err := lookupGateway(o.gateway)
	if err != nil {
		return err
	}
	kit, err := demo.KitFor(d.ID)
	if err != nil {
		return usageErr(err)
	}
	if len(o.faults) == 1 && o.faults[0] == "list" {
		for _, f := range kit.Faults() {
			fmt.Fprintf(w, "%-30s %s\n", f.Name, f.Description)
		}
		return nil
	}
	p := newPrinter(w)
	if err := freshOut(o.out); err != nil {
		return err
	}
	s, err := demo.Open(demo.Options{
		Gateway: o.gateway, Faults: o.faults, OutDir: o.out, Version: Version(),
		Filter: engine.Filter{Labels: o.labels, Scenario: o.scenario}, FailFast: o.failFast, Hooks: p.hooks(),
		Order: o.order.resolve(), Seed: o.order.startSeed(), Parallel: o.order.parallel,
	})
	if err != nil {
		return usageErr(err)
	}
	defer s.Close()
	if !p.quiet {
		fmt.Fprintf(w, "uatrun %s demo: %s emulator (%s) at %s, example merchant %s with faults: %s\n\n",
			Version(), kit.Gateway, d.Name, s.Env().GatewayURL, d.Example, faultList(o.faults))
	}
	// The same path as 'uatrun run': the shop is reached over HTTP only.
	if err := s.Preflight(context.Background()); err != nil {
		return harnessErr(fmt.Errorf("preflight: %w; no scenario was run", err))
	}
	return runAndFinish(s, p, o.failFast, o.order)
}

func faultList(f []string) string {
	if len(f) == 0 {
		return "none"
	}
	return strings.Join(f, ", ")
}

func addFilterFlags(cmd *cobra.Command, labels, scenario *string, failFast *bool) {
	f := cmd.Flags()
	f.StringVar(labels, "labels", "", "run scenarios matching a label expression, e.g. 'mandatory && !refund'")
	f.StringVar(scenario, "scenario", "", "run scenarios whose 'ID title' matches this regular expression")
	f.BoolVar(failFast, "fail-fast", false, "stop after the first scenario that does not pass")
}

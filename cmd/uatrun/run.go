package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/engine"
	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/scenarios"
)

type runOpts struct {
	config    string
	scenarios string
	labels    string
	scenario  string
	out       string
	dryRun    bool
	failFast  bool
	order     orderFlags
}

func newRunCmd() *cobra.Command {
	var o runOpts
	cmd := &cobra.Command{
		Use:   "run --config FILE",
		Short: "Run the mandated scenarios against your own integration",
		Long: `run starts the gateway emulator and the callback receiver, drives your
integration through the scenarios with the merchant actions in your config, and
writes the sign-off evidence to --out (default: report.dir, uat-evidence).

Point your integration's gateway base URL at the emulator first: 'uatrun emulate
--config FILE' prints where, or set emulator.listen to a fixed address.

` + exitCodesHelp,
		Example: `  uatrun run --config uatrun.yaml
  uatrun run --config uatrun.yaml --labels mandatory --fail-fast
  uatrun run --config uatrun.yaml --scenario 'DANA-PAY' --out evidence/pay
  uatrun run --config uatrun.yaml --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRun(cmd.OutOrStdout(), o) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.config, "config", "c", "uatrun.yaml", "config file")
	f.StringVar(&o.scenarios, "scenarios", "", "also run the scenario files in this directory")
	f.StringVar(&o.out, "out", "", "directory for the evidence (default: report.dir from the config)")
	f.BoolVar(&o.dryRun, "dry-run", false, "validate and list what would run, then stop")
	addFilterFlags(cmd, &o.labels, &o.scenario, &o.failFast)
	addOrderFlags(cmd, &o.order)
	return cmd
}

func runRun(w io.Writer, o runOpts) error {
	cfg, packs, err := loadAll(o.config, o.scenarios)
	if err != nil {
		return usageErr(err)
	}
	filter := engine.Filter{Labels: firstNonEmpty(o.labels, cfg.Run.Labels), Scenario: o.scenario}
	if o.dryRun {
		return dryRun(w, packs, filter)
	}
	p := newPrinter(w)
	outDir := firstNonEmpty(o.out, cfg.Report.Dir, "uat-evidence")
	if err := freshOut(outDir); err != nil {
		return err
	}
	s, err := session.Open(session.Options{
		Config: cfg, Packs: packs, Filter: filter, FailFast: o.failFast || cfg.Run.FailFast,
		OutDir: outDir, Version: Version(), Hooks: p.hooks(),
		Order: o.order.resolve(), Seed: o.order.startSeed(), Parallel: o.order.parallel,
	})
	if err != nil {
		return usageErr(err)
	}
	defer s.Close()
	if !p.quiet {
		fmt.Fprintf(w, "uatrun %s: %s emulator at %s, merchant at %s\n\n", Version(), cfg.Gateway.Name, s.Env().GatewayURL, cfg.Merchant.BaseURL)
	}
	if err := s.Preflight(context.Background()); err != nil {
		return harnessErr(fmt.Errorf("preflight: %w; no scenario was run", err))
	}
	return runAndFinish(s, p, o.failFast || cfg.Run.FailFast, o.order)
}

// loadAll loads the config and every scenario pack it runs, reporting all
// problems before anything starts.
func loadAll(configPath, extraDir string) (*config.Config, []*scenario.Pack, error) {
	if err := needConfig(configPath); err != nil {
		return nil, nil, err
	}
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, nil, err
	}
	names := cfg.Run.Packs
	if len(names) == 0 {
		names = []string{cfg.Gateway.Name}
	}
	var packs []*scenario.Pack
	for _, n := range names {
		p, err := scenarios.Load(n)
		if err != nil {
			return nil, nil, err
		}
		packs = append(packs, p)
	}
	for _, dir := range []string{cfg.Run.Dir, extraDir} {
		if dir == "" {
			continue
		}
		p, err := scenario.LoadFS(os.DirFS(dir), ".", filepath.ToSlash(dir))
		if err != nil {
			return nil, nil, err
		}
		packs = append(packs, p)
	}
	if err := scenario.CheckPacks(packs); err != nil {
		return nil, nil, err
	}
	// A step naming a gateway action or API the gateway does not have is
	// refused here, at its file:line:col, not ERRORED mid-run.
	if v, err := session.VocabularyOf(cfg.Gateway); err == nil {
		if err := session.CheckWords(v, packs); err != nil {
			return nil, nil, err
		}
	}
	return cfg, packs, nil
}

func dryRun(w io.Writer, packs []*scenario.Pack, f engine.Filter) error {
	var all []*scenario.Scenario
	for _, p := range packs {
		all = append(all, p.Scenarios...)
	}
	sel, err := engine.Select(all, f)
	if err != nil {
		return usageErr(err)
	}
	for _, sc := range sel.Run {
		fmt.Fprintf(w, "would run  %-16s %s\n", sc.ID, sc.Title)
	}
	fmt.Fprintf(w, "\n%d of %d scenarios would run; nothing was started (--dry-run)\n", len(sel.Run), len(all))
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

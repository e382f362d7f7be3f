package main

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ginkgoglobals "github.com/onsi/ginkgo/v2/extensions/globals"

	"github.com/uatrun/uatrun/harness/evidence"
)

// BenchmarkOutOfProcess times the product path per gateway pack: each op
// starts the bundled merchant as its own process on fresh loopback ports
// (untimed), runs its whole pack with `uatrun run --config uatrun.yaml
// --no-color` in this process, so allocs/op are uatrun's own, and stops the
// merchant (untimed). <gateway>/parallel-1 adds --parallel 1. A run that
// does not exit 0 with go-live GO fails the benchmark.
//
//	go test -run '^$' -bench OutOfProcess -benchtime 3x ./cmd/uatrun
func BenchmarkOutOfProcess(b *testing.B) {
	if _, err := exec.LookPath("go"); err != nil {
		b.Skip("the merchants are built with the go command, which is not on PATH")
	}
	if len(raceFlags) > 0 {
		b.Skip("-race: the figures would measure the race detector")
	}
	root := oopModuleRoot(b)
	bins := oopBuildMerchants(b, root)
	for _, m := range oopMerchants {
		b.Run(m.gateway, func(b *testing.B) { benchPack(b, root, m, bins[m.gateway]) })
		b.Run(m.gateway+"/parallel-1", func(b *testing.B) { benchPack(b, root, m, bins[m.gateway], "--parallel", "1") })
	}
}

// benchPack runs m's pack against its merchant once per op.
func benchPack(b *testing.B, root string, m oopMerchant, merchantBin string, extra ...string) {
	cfg, err := os.ReadFile(filepath.Join(root, m.config))
	if errors.Is(err, fs.ErrNotExist) {
		b.Skipf("%s: its config %s is missing", m.gateway, m.config)
	} else if err != nil {
		b.Fatal(err)
	}
	g := &oopGateway{oopMerchant: m, bin: merchantBin, cfg: string(cfg), env: oopChildEnv(string(cfg), m.envPrefix, m.env)}
	if m.keys {
		g.keys = b.TempDir()
		if out, code := oopRunUatrun(b, bin, g.keys, os.Environ(), 30*time.Second, "keys", "--out", "keys"); code != 0 {
			b.Fatalf("uatrun keys: exit %d:\n%s", code, out)
		}
	}
	// uatrun runs in this process: it sees what the child env leaves out
	// (the config's ${…} variables, the merchant's flag fallbacks) unset.
	kept := map[string]bool{}
	for _, kv := range g.env {
		kept[kv] = true
	}
	for _, kv := range os.Environ() {
		if !kept[kv] {
			name, _, _ := strings.Cut(kv, "=")
			b.Setenv(name, "") // restored after the benchmark
			os.Unsetenv(name)
		}
	}

	b.ReportAllocs()
	scenarios, ops := 0, 0
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		a := oopFreeAddrs(b)
		g.writeConfig(b, dir, a)
		proc, err := oopStartMerchant(b, dir, g.bin, g.args(a), g.env, a.merchant)
		if err != nil {
			b.Fatalf("%s: %v", m.gateway, err)
		}
		args := append([]string{"run", "--config", filepath.Join(dir, "uatrun.yaml"), "--no-color",
			"--out", filepath.Join(dir, "uat-evidence")}, extra...)
		log := filepath.Join(dir, "uatrun.log")
		b.StartTimer()
		code := executeTo(b, log, args)
		b.StopTimer()
		proc.stop(b)
		run := &evidence.Run{}
		if code == 0 {
			run = readEvidence(b, filepath.Join(dir, "uat-evidence", "evidence.json"))
		}
		if code != 0 || !run.Summary.GoLive {
			out, _ := os.ReadFile(log)
			b.Fatalf("%s: uatrun %s: exit %d, go-live %v (want exit 0, GO):\n%s\nmerchant:\n%s",
				m.gateway, strings.Join(args, " "), code, run.Summary.GoLive, out, proc.output())
		}
		scenarios += run.Summary.Total
		ops++
		b.StartTimer()
	}
	b.ReportMetric(float64(scenarios)/float64(ops), "scenarios/op")
}

// executeTo runs the CLI in this process as main does, its stdout and
// stderr going to the file log. Ginkgo allows one suite per process, so
// its globals are reset first.
func executeTo(b *testing.B, log string, args []string) int {
	f, err := os.Create(log)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	stdout, stderr := os.Stdout, os.Stderr
	defer func() { os.Stdout, os.Stderr = stdout, stderr }()
	os.Stdout, os.Stderr = f, f
	ginkgoglobals.Reset()
	return protect(f, func() int { return execute(args) })
}

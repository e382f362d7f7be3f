package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/gateway"
)

// inProcess runs the CLI in this process and returns its output and exit
// code.
func inProcess(t *testing.T, args ...string) (string, int) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	var ee *exitError
	switch {
	case err == nil:
		return out.String(), exitOK
	case errors.As(err, &ee):
		return out.String() + err.Error(), ee.code
	}
	return out.String() + err.Error(), exitUsage
}

// Every command where a gateway makes sense takes the same --gateway flag,
// listing the same gateways: the registry's.
func TestGatewayFlag_IsTheSameOnEveryCommand(t *testing.T) {
	root := newRootCmd()
	for _, name := range []string{"init", "list", "keys", "emulate", "demo"} {
		cmd, _, err := root.Find([]string{name})
		if err != nil {
			t.Fatal(err)
		}
		f := cmd.Flags().Lookup("gateway")
		if f == nil {
			t.Errorf("uatrun %s has no --gateway", name)
			continue
		}
		if !strings.HasSuffix(f.Usage, ": "+strings.Join(gateway.IDs(), ", ")) {
			t.Errorf("uatrun %s --gateway: %q does not list the registry's gateways", name, f.Usage)
		}
	}
	out := filepath.Join(t.TempDir(), "x")
	for _, args := range [][]string{{"init", "--out", out}, {"list"}, {"keys", "--out", out}, {"demo", "--out", out}} {
		if out, code := inProcess(t, append(args, "--gateway", "paypal")...); code != exitUsage || !strings.Contains(out, "dana-gapura, midtrans-snap") {
			t.Errorf("%v: exit %d, want 2 naming the gateways:\n%s", args, code, out)
		}
	}
}

// uatrun keys speaks of the gateway's own keys: no "DANA's public key" in
// a GoPay project, and no RSA pairs for a gateway that signs with none.
func TestKeys_SpeaksOfTheGatewaysOwnKeys(t *testing.T) {
	dir := t.TempDir()
	out, code := inProcess(t, "keys", "--gateway", "gopay-miniapp", "--out", filepath.Join(dir, "gpm"))
	if code != 0 || strings.Contains(out, "DANA") || !strings.Contains(out, "debit notifies") || !strings.Contains(out, "GoPay") {
		t.Errorf("gopay-miniapp: exit %d\n%s", code, out)
	}
	out, code = inProcess(t, "keys", "--out", filepath.Join(dir, "dana"))
	if code != 0 || !strings.Contains(out, "instead of DANA's public key") {
		t.Errorf("default (dana-gapura): exit %d\n%s", code, out)
	}
	out, code = inProcess(t, "keys", "--gateway", "midtrans-snap", "--out", filepath.Join(dir, "mt"))
	if code != exitUsage || !strings.Contains(out, "gateway.server_key") {
		t.Errorf("midtrans-snap: exit %d, want 2 saying what it uses instead\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "mt")); err == nil {
		t.Error("midtrans-snap: keys were written")
	}
	if out, code = inProcess(t, "keys", "--gateway", "midtrans-snap", "--evidence", "--out", filepath.Join(dir, "mt")); code != 0 {
		t.Errorf("midtrans-snap --evidence: exit %d\n%s", code, out)
	}
}

// init names the gateway and the next commands for it.
func TestInit_NamesTheGatewaysNextSteps(t *testing.T) {
	dir := t.TempDir()
	for id, want := range map[string]string{
		"gopay-miniapp": "uatrun keys --gateway gopay-miniapp --out keys",
		"dana-gapura":   "next: uatrun keys --out keys",
		"purwantara":    "Purwantara needs no RSA keys",
	} {
		out, code := inProcess(t, "init", "--gateway", id, "--out", filepath.Join(dir, id+".yaml"))
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, want %q:\n%s", id, code, want, out)
		}
	}
}

// list --gateway lists that gateway's pack only, under its name.
func TestList_GatewayListsItsOwnPack(t *testing.T) {
	out, code := inProcess(t, "list", "--gateway", "midtrans-snap")
	if code != 0 || !strings.HasPrefix(out, "midtrans-snap: Midtrans Snap (") || strings.Contains(out, "DANA-") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if out, code := inProcess(t, "list", "--gateway", "astapa", "--pack", "purwantara"); code != exitUsage {
		t.Errorf("--gateway and another --pack: exit %d\n%s", code, out)
	}
}

// validate refuses a custom scenario's unknown notify variant at its
// file:line:col, with the gateway's own variants, before anything runs.
func TestValidate_RefusesAnUnknownNotifyVariant(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "uatrun.yaml")
	if out, code := inProcess(t, "init", "--out", cfg); code != 0 {
		t.Fatal(out)
	}
	if out, code := inProcess(t, "keys", "--out", filepath.Join(dir, "keys")); code != 0 {
		t.Fatal(out)
	}
	mine := filepath.Join(dir, "mine")
	os.Mkdir(mine, 0o755)
	src := "id: MY-01\ntitle: custom\ngateway: dana-gapura\ntier: optional\nsteps:\n  - notify: tampered_amount\n    order: x\n"
	if err := os.WriteFile(filepath.Join(mine, "x.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := inProcess(t, "validate", "--config", cfg, "--scenarios", mine)
	if code != exitUsage || !strings.Contains(out, `x.yaml:6:5: unknown notify variant "tampered_amount" for dana-gapura`) ||
		!strings.Contains(out, "its variants: valid, duplicate") {
		t.Errorf("exit %d, want 2 at x.yaml:6:5 with the variants:\n%s", code, out)
	}
}

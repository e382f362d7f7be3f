package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/emulator/astapa"
	"github.com/uatrun/uatrun/harness/emulator/dana"
	"github.com/uatrun/uatrun/harness/emulator/danawidget"
	"github.com/uatrun/uatrun/harness/emulator/gopaymini"
	"github.com/uatrun/uatrun/harness/emulator/midtrans"
	"github.com/uatrun/uatrun/harness/emulator/purwantara"
)

// The schedule a config without gateway.notify_retry runs is the
// gateway's own, as its emulator states it (Midtrans: 2, 10, 30, 90 and
// 210 minutes, docs.midtrans.com "HTTP(S) Notification / Webhooks";
// Astapa's 1, 5, 30 minutes), never one list for every gateway.
func TestDefaultNotifyRetry_IsTheEmulators(t *testing.T) {
	emulators := map[string][]time.Duration{
		dana.GatewayName:       dana.DefaultNotifyRetry,
		danawidget.GatewayName: danawidget.DefaultNotifyRetry,
		gopaymini.GatewayName:  gopaymini.DefaultNotifyRetry,
		midtrans.GatewayName:   midtrans.DefaultNotifyRetry,
		astapa.GatewayName:     astapa.DefaultWebhookRetry,
		purwantara.GatewayName: purwantara.DefaultNotifyRetry,
	}
	for _, g := range Gateways() {
		want, ok := emulators[g]
		if !ok {
			t.Errorf("gateway %s: no emulator default to compare with", g)
			continue
		}
		var got []time.Duration
		for _, d := range DefaultNotifyRetry(g) {
			got = append(got, d.D())
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: config default %v, emulator default %v", g, got, want)
		}
	}
}

// A config that leaves notify_retry out gets its own gateway's schedule.
func TestParse_NotifyRetryDefaultsPerGateway(t *testing.T) {
	for _, g := range StarterGateways() {
		b, err := StarterFor(g)
		if err != nil {
			t.Fatal(err)
		}
		// Drop the notify_retry line: the default must fill it.
		var kept []string
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "notify_retry:") {
				kept = append(kept, line)
			}
		}
		c, err := Parse("uatrun.yaml", []byte(strings.Join(kept, "\n")), noEnv)
		if err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		if !reflect.DeepEqual(c.Gateway.NotifyRetry, DefaultNotifyRetry(g)) {
			t.Errorf("%s: notify_retry defaulted to %v, want %v", g, c.Gateway.NotifyRetry, DefaultNotifyRetry(g))
		}
	}
}

// What `uatrun init --gateway G` writes is G's own schedule, so keeping
// the template's line changes nothing.
func TestStarterFor_WritesTheGatewaysRetrySchedule(t *testing.T) {
	for _, g := range StarterGateways() {
		b, err := StarterFor(g)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse("uatrun.yaml", b, noEnv)
		if err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		if !reflect.DeepEqual(c.Gateway.NotifyRetry, DefaultNotifyRetry(g)) {
			t.Errorf("%s: starter writes notify_retry %v, the gateway's default is %v", g, c.Gateway.NotifyRetry, DefaultNotifyRetry(g))
		}
	}
}

package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/receiver"
	"github.com/uatrun/uatrun/harness/session"
)

func newEmulateCmd() *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "emulate --config FILE",
		Short: "Serve the gateway emulator and callback receiver for manual UAT",
		Long: `emulate serves the gateway emulator (and the callback receiver) on the wall
clock until interrupted, so you can click through UAT in a browser: the hosted
checkout page has Pay / Fail / Cancel buttons, and /_uatrun/ offers control
(orders, exchanges, pay, expire, notify variants). It prints, for the gateway
in the config, where to point your integration's base URL, which credentials
or key it must use, and the emulator's own control URLs.

It can serve for days: the emulator keeps the newest 10,000 orders (DANA) and
the newest 10,000 exchanges and calls within 64 MiB, the receiver the newest
10,000 callbacks within 64 MiB (its journal, when set, keeps every one), and
the /_uatrun/ list routes answer a page at a time: ?limit= (default 100, at
most 1,000) items after ?after=, with the next page's URL in the Link header.`,
		Example: `  uatrun emulate --config uatrun.yaml
  curl -s http://127.0.0.1:9080/_uatrun/orders`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEmulate(cmd.OutOrStdout(), cfgPath) },
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "uatrun.yaml", "config file")
	return cmd
}

func runEmulate(w io.Writer, cfgPath string) error {
	cfg, _, err := loadAll(cfgPath, "")
	if err != nil {
		return usageErr(err)
	}
	keys, err := session.LoadKeys(cfg.Gateway)
	if err != nil {
		return usageErr(err)
	}
	red := evidence.NewRedactor(cfg.Gateway.ClientSecret, cfg.Gateway.ServerKey)
	gw, err := session.NewGateway(cfg.Gateway, keys, session.RealClocks, red, Version())
	if err != nil {
		return usageErr(err)
	}
	if err := gw.Start(cfg.Emulator.Listen); err != nil {
		return usageErr(err)
	}
	defer gw.Close()
	rcv, err := receiver.New(receiver.Options{Addr: cfg.Receiver.Listen, MaxBody: cfg.Receiver.MaxBody, Redactor: red})
	if err != nil {
		return usageErr(err)
	}
	if err := rcv.Start(); err != nil {
		return usageErr(err)
	}
	defer rcv.Close()
	writeBanner(w, gw.Name(), cfg.Gateway.GatewayPublicKey, gw, rcv.URL())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	fmt.Fprintln(w, "\nstopping")
	return nil
}

// fallbackDescriptions describe the emulators that do not implement
// emulator.Describer themselves, from the routes they serve.
var fallbackDescriptions = map[string]emulator.Description{
	"dana-gapura": {
		Replaces: "https://api.sandbox.dana.id",
		TrustKey: true,
		Links: []emulator.Link{
			{Method: "GET", Path: emulator.ControlPrefix + "/orders", What: "orders, their status and notifies"},
			{Method: "GET", Path: emulator.ControlPrefix + "/exchanges", What: "every request and notify, both directions"},
			{Method: "POST", Path: emulator.ControlPrefix + "/orders/{ref}/{pay|fail|expire|notify|return_shopper}", What: "settle an order; notify?variant=wrong_key sends a crafted notify"},
			{Method: "POST", Path: emulator.ControlPrefix + "/respond_next", What: "the next call(s) to an API get an error answer"},
		},
	},
	"midtrans-snap": {
		Replaces: "https://app.sandbox.midtrans.com and https://api.sandbox.midtrans.com",
		Credentials: []string{
			"server key (Basic auth, and signature_key = SHA-512 over order_id+status_code+gross_amount+server key) = gateway.server_key",
			"notification URL = gateway.notify_url, or POST /_uatrun/dashboard",
		},
		Links: []emulator.Link{
			{Method: "GET", Path: emulator.ControlPrefix + "/orders", What: "transactions, their status and notifications"},
			{Method: "GET", Path: emulator.ControlPrefix + "/exchanges", What: "every request and notification, both directions"},
			{Method: "GET", Path: emulator.ControlPrefix + "/dashboard", What: "the notification URL (POST to change it)"},
			{Method: "POST", Path: emulator.ControlPrefix + "/orders/{order_id}/{choose|pay|deny|expire|notify|return_shopper}", What: "settle a transaction; notify sends a crafted notification"},
			{Method: "POST", Path: emulator.ControlPrefix + "/respond_next", What: "the next call(s) to an API get an error answer"},
		},
	},
}

// describe is the gateway's own description, else its fallback, else the
// control routes every emulator serves.
func describe(name string, gw session.Gateway) emulator.Description {
	if d, ok := gw.(emulator.Describer); ok {
		return d.Describe()
	}
	if d, ok := fallbackDescriptions[name]; ok {
		return d
	}
	return emulator.Description{TrustKey: len(gw.PublicKeyPEM()) > 0, Links: []emulator.Link{
		{Method: "GET", Path: emulator.ControlPrefix + "/exchanges", What: "every request and callback, both directions"},
	}}
}

// writeBanner prints where to point the integration, what it must
// configure, and every control URL of this gateway's emulator.
func writeBanner(w io.Writer, name, configuredKey string, gw session.Gateway, receiverURL string) {
	d := describe(name, gw)
	base := gw.URL()
	fmt.Fprintf(w, "uatrun %s emulating %s\n\n  gateway base URL   %s\n", Version(), name, base)
	if d.Replaces != "" {
		fmt.Fprintf(w, "      point your integration's %s base URL (%s) here\n", name, d.Replaces)
	}
	if d.TrustKey {
		trust := configuredKey
		if trust == "" {
			trust = "this key (the public half of gateway.gateway_private_key):\n" + string(gw.PublicKeyPEM())
		}
		fmt.Fprintf(w, "  trust this key     %s\n      verify notifies with it instead of the gateway's real public key\n", trust)
	}
	for i, c := range d.Credentials {
		label := ""
		if i == 0 {
			label = "credentials"
		}
		fmt.Fprintf(w, "  %-18s %s\n", label, c)
	}
	fmt.Fprintf(w, "  control\n")
	for _, l := range d.Links {
		fmt.Fprintf(w, "      %-4s %s%s\n           %s\n", l.Method, base, l.Path, l.What)
	}
	fmt.Fprintf(w, "  callback receiver  %s\n      send your own webhooks here; each is recorded\n\nPress Ctrl+C to stop.\n", receiverURL)
}

package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/gateway"
	"github.com/uatrun/uatrun/harness/receiver"
	"github.com/uatrun/uatrun/harness/session"
)

func newEmulateCmd() *cobra.Command {
	var cfgPath, gw string
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
  uatrun emulate --gateway midtrans-snap --config midtrans.yaml
  curl -s http://127.0.0.1:9080/_uatrun/orders`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEmulate(cmd.OutOrStdout(), cfgPath, gw) },
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "uatrun.yaml", "config file")
	addGatewayFlag(cmd, &gw, "", "refuse a config for another gateway (the config's gateway.name decides)")
	return cmd
}

func runEmulate(w io.Writer, cfgPath, want string) error {
	cfg, _, err := loadAll(cfgPath, "")
	if err != nil {
		return usageErr(err)
	}
	if err := sameGateway(cfgPath, cfg.Gateway.Name, want); err != nil {
		return err
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

// sameGateway refuses to serve a config written for another gateway than
// --gateway names: its credentials and routes would be the other's.
func sameGateway(cfgPath, configured, want string) error {
	if want == "" {
		return nil
	}
	d, err := lookupGateway(want)
	if err != nil {
		return err
	}
	if d.ID != configured {
		return usageErr(fmt.Errorf("%s is a config for %s, not %s (--gateway); write one with: uatrun init --gateway %s --out %s.yaml",
			cfgPath, configured, d.ID, d.ID, d.ID))
	}
	return nil
}

// writeBanner prints where to point the integration, what it must
// configure, and every control URL of this gateway's emulator.
// Everything it says comes from the gateway's registry entry, whose
// routes a test keeps equal to the ones the emulator serves.
func writeBanner(w io.Writer, name, configuredKey string, gw session.Gateway, receiverURL string) {
	desc, err := gateway.Lookup(name)
	if err != nil {
		// Unreachable: session builds only registered gateways.
		desc = gateway.Descriptor{ID: name, Name: name}
	}
	d := desc.Emulate
	base := gw.URL()
	fmt.Fprintf(w, "uatrun %s emulating %s (%s)\n\n  gateway base URL   %s\n", Version(), name, desc.Name, base)
	if d.Replaces != "" {
		fmt.Fprintf(w, "      point your integration's %s base URL (%s) here\n", desc.Name, d.Replaces)
	}
	if d.TrustKey {
		trust := configuredKey
		if trust == "" {
			trust = "this key (the public half of gateway.gateway_private_key):\n" + string(gw.PublicKeyPEM())
		}
		fmt.Fprintf(w, "  trust this key     %s\n      verify notifies with it instead of %s's real public key\n", trust, desc.Name)
	}
	for i, c := range d.Credentials {
		label := ""
		if i == 0 {
			label = "credentials"
		}
		fmt.Fprintf(w, "  %-18s %s\n", label, c)
	}
	fmt.Fprintf(w, "  control\n")
	for _, l := range d.Routes {
		fmt.Fprintf(w, "      %-4s %s%s\n           %s\n", l.Method, base, l.Path, l.What)
	}
	fmt.Fprintf(w, "  callback receiver  %s\n      send your own webhooks here; each is recorded\n\nPress Ctrl+C to stop.\n", receiverURL)
}

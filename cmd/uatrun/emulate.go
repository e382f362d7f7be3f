package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

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
(orders, exchanges, pay, expire, notify variants). It prints where to point your
integration's gateway base URL and which public key it must trust.`,
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
	trust := cfg.Gateway.GatewayPublicKey
	if trust == "" {
		trust = "this key (the public half of gateway.gateway_private_key):\n" + string(gw.PublicKeyPEM())
	}
	fmt.Fprintf(w, `uatrun %s emulating %s

  gateway base URL   %s
      point your integration's gateway base URL (e.g. DANA's api.sandbox.dana.id) here
  trust this key     %s
      verify notifies with it instead of the gateway's real public key
  control            %s/_uatrun/orders   (GET; POST /_uatrun/orders/REF/pay|fail|expire|notify)
  callback receiver  %s
      send your own webhooks here; each is recorded

Press Ctrl+C to stop.
`, Version(), cfg.Gateway.Name, gw.URL(), trust, gw.URL(), rcv.URL())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	fmt.Fprintln(w, "\nstopping")
	return nil
}

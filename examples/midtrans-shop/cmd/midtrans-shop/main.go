// Command midtrans-shop runs the reference Midtrans Snap merchant on its own.
//
//	midtrans-shop --gateway-url http://127.0.0.1:9080 --server-key SB-Mid-server-…
//
// Point the Payment Notification URL (uatrun: gateway.notify_url) at
// http://<listen>/midtrans/notification. Every flag falls back to an
// environment variable MIDTRANS_SHOP_<FLAG> (upper case, dashes as
// underscores; MIDTRANS_SHOP_FAULT takes a comma-separated list).
// "--fault list" prints the deliberate faults.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	midtransshop "github.com/uatrun/uatrun/examples/midtrans-shop"
)

type options struct {
	listen, gatewayURL, publicURL, serverKey, db, webhook string
	verifyMode                                            string
	queueDelay                                            time.Duration
	faults                                                []string
	listFaults                                            bool
}

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "midtrans-shop:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	if o.listFaults {
		for _, f := range midtransshop.Faults() {
			fmt.Fprintf(stdout, "%s\t%s\n", f.Name, f.Description)
		}
		return nil
	}
	if o.serverKey == "" {
		return errors.New("--server-key is required")
	}
	cfg := midtransshop.Config{GatewayURL: o.gatewayURL, ServerKey: o.serverKey, PublicURL: o.publicURL, DBPath: o.db,
		Faults: o.faults, FulfilmentWebhook: o.webhook, VerifyMode: o.verifyMode, QueueDelay: o.queueDelay, Logger: slog.New(slog.NewTextHandler(stderr, nil))}
	return serve(o.listen, cfg, stderr)
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("midtrans-shop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, def, usage string) {
		if v := getenv(envName(name)); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" (env "+envName(name)+")")
	}
	str(&o.listen, "listen", "127.0.0.1:8082", "address to listen on")
	str(&o.gatewayURL, "gateway-url", "", "Midtrans base URL for Snap and the Core API, e.g. the uatrun emulator http://127.0.0.1:9080")
	str(&o.publicURL, "public-url", "", "the shop's own base URL for the finish redirect (default: http://<listen address>)")
	str(&o.serverKey, "server-key", "", "Midtrans server key (SB-Mid-server-…)")
	str(&o.db, "db", "", "SQLite database file (default: in memory)")
	str(&o.webhook, "fulfilment-webhook", "", "URL that receives a POST for each fulfilment")
	str(&o.verifyMode, "verify-mode", midtransshop.VerifyModeSignature,
		"how notifications are trusted: signature (check signature_key) or requery (ask the Get Status API); both are correct")
	queue := "0s"
	str(&queue, "queue-delay", "0s", "apply notifications from a job queue this long after acknowledging them (0s: within the request)")
	fs.Func("fault", "start with a deliberate fault (repeatable; \"list\" prints them)", func(v string) error {
		if v == "list" {
			o.listFaults = true
		} else {
			o.faults = append(o.faults, v)
		}
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	d, err := time.ParseDuration(queue)
	if err != nil || d < 0 {
		return o, fmt.Errorf("--queue-delay %q: want a duration such as 200ms", queue)
	}
	o.queueDelay = d
	if len(o.faults) == 0 && !o.listFaults && getenv("MIDTRANS_SHOP_FAULT") != "" {
		o.faults = strings.Split(getenv("MIDTRANS_SHOP_FAULT"), ",")
	}
	return o, nil
}

func envName(flagName string) string {
	return "MIDTRANS_SHOP_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// serve runs the shop until SIGINT/SIGTERM, then drains requests in flight.
func serve(addr string, cfg midtransshop.Config, stderr io.Writer) error {
	gin.SetMode(gin.ReleaseMode)
	s, err := midtransshop.New(cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if cfg.PublicURL == "" {
		s.SetPublicURL("http://" + ln.Addr().String())
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "midtrans-shop listening on http://%s (notifications: %s)\n", ln.Addr(), midtransshop.NotifyPath)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

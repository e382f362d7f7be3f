// Command astapa-shop runs the reference Astapa shop-payment merchant on its own.
//
//	astapa-shop --gateway-url http://127.0.0.1:9080 --client-id … --client-secret …
//
// Set the project webhook URL to http://<listen>/astapa/webhook. Every flag
// falls back to ASTAPA_SHOP_<FLAG> (upper case, dashes as underscores;
// ASTAPA_SHOP_FAULT takes a comma-separated list). "--fault list" prints the
// deliberate faults.
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

	astapashop "github.com/uatrun/uatrun/examples/astapa-shop"
)

type options struct {
	listen, gatewayURL, clientID, clientSecret, db, webhook string
	faults                                                  []string
	listFaults                                              bool
	queueDelay                                              time.Duration
}

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "astapa-shop:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	if o.listFaults {
		for _, f := range astapashop.Faults() {
			fmt.Fprintf(stdout, "%s\t%s\n", f.Name, f.Description)
		}
		return nil
	}
	if o.clientID == "" || o.clientSecret == "" {
		return errors.New("--client-id and --client-secret are required")
	}
	gin.SetMode(gin.ReleaseMode)
	s, err := astapashop.New(astapashop.Config{GatewayURL: o.gatewayURL, ClientID: o.clientID, ClientSecret: o.clientSecret,
		DBPath: o.db, Faults: o.faults, FulfilmentWebhook: o.webhook, QueueDelay: o.queueDelay, Logger: slog.New(slog.NewTextHandler(stderr, nil))})
	if err != nil {
		return err
	}
	defer s.Close()
	return serve(o.listen, s.Handler(), stderr)
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("astapa-shop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, def, usage string) {
		if v := getenv(envName(name)); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" (env "+envName(name)+")")
	}
	str(&o.listen, "listen", "127.0.0.1:8083", "address to listen on")
	str(&o.gatewayURL, "gateway-url", "", "Astapa base URL, e.g. the uatrun emulator http://127.0.0.1:9080")
	str(&o.clientID, "client-id", "", "Astapa project client_id")
	str(&o.clientSecret, "client-secret", "", "Astapa project client_secret (server-side only)")
	str(&o.db, "db", "", "SQLite database file (default: in memory)")
	str(&o.webhook, "fulfilment-webhook", "", "URL that receives a POST for each fulfilment")
	queue := "0s"
	str(&queue, "queue-delay", "0s", "book confirmed webhooks from a job queue this long after answering them (0s: within the request)")
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
		return o, fmt.Errorf("--queue-delay %q: want a duration such as 300ms", queue)
	}
	o.queueDelay = d
	if len(o.faults) == 0 && !o.listFaults && getenv("ASTAPA_SHOP_FAULT") != "" {
		o.faults = strings.Split(getenv("ASTAPA_SHOP_FAULT"), ",")
	}
	return o, nil
}

func envName(flagName string) string {
	return "ASTAPA_SHOP_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// serve runs the handler until SIGINT/SIGTERM, then drains requests in flight.
func serve(addr string, h http.Handler, stderr io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "astapa-shop listening on http://%s (webhook: %s)\n", ln.Addr(), astapashop.WebhookPath)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

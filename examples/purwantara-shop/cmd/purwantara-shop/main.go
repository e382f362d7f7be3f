// Command purwantara-shop runs the reference Purwantara merchant on its own.
//
//	PPNSHOP_API_TOKEN=… PPNSHOP_WEBHOOK_SECRET=… \
//	purwantara-shop --gateway-url http://127.0.0.1:9080
//
// Every flag falls back to an environment variable PPNSHOP_<FLAG> (upper
// case, dashes as underscores; PPNSHOP_FAULT takes a comma-separated list).
// Prefer the variables for the two secrets: flags show up in process lists.
// Register <public URL>/webhooks/purwantara as the team Callback URL.
// "--fault list" prints the deliberate faults the shop can be started with.
package main

import (
	"context"
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

	shop "github.com/uatrun/uatrun/examples/purwantara-shop"
)

type options struct {
	listen, gatewayURL, publicURL, token, secret, db, webhook string
	faults                                                    []string
	listFaults                                                bool
	queueDelay                                                time.Duration
}

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "purwantara-shop:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	opts, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	if opts.listFaults {
		for _, f := range shop.Faults() {
			fmt.Fprintf(stdout, "%s\t%s\n", f.Name, f.Description)
		}
		return nil
	}
	cfg := shop.Config{GatewayURL: opts.gatewayURL, PublicURL: opts.publicURL, APIToken: opts.token,
		WebhookSecret: opts.secret, DBPath: opts.db, Faults: opts.faults, FulfilmentWebhook: opts.webhook,
		QueueDelay: opts.queueDelay, Logger: slog.New(slog.NewTextHandler(stderr, nil))}
	return serve(opts.listen, cfg, stderr)
}

// parseFlags reads flags, falling back to PPNSHOP_* variables.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("purwantara-shop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, def, usage string) {
		if v := getenv(envName(name)); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" (env "+envName(name)+")")
	}
	str(&o.listen, "listen", "127.0.0.1:8081", "address to listen on")
	str(&o.gatewayURL, "gateway-url", "", "Purwantara API base, e.g. the uatrun emulator http://127.0.0.1:9080")
	str(&o.publicURL, "public-url", "", "the shop's own base URL for return URLs (default: http://<listen address>)")
	str(&o.token, "api-token", "", "API token from Settings > API, sent as Bearer")
	str(&o.secret, "webhook-secret", "", "team secret that signs webhooks")
	str(&o.db, "db", "", "SQLite database file (default: in memory)")
	str(&o.webhook, "fulfilment-webhook", "", "URL that receives a POST for each fulfilment")
	queue := "0s"
	str(&queue, "queue-delay", "0s", "book webhooks from a job queue this long after answering them (0s: within the request)")
	fs.Func("fault", "start with a deliberate fault (repeatable; \"list\" prints them) (env PPNSHOP_FAULT, comma-separated)",
		func(v string) error {
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
	if len(o.faults) == 0 && !o.listFaults && getenv("PPNSHOP_FAULT") != "" {
		o.faults = strings.Split(getenv("PPNSHOP_FAULT"), ",")
	}
	return o, nil
}

func envName(flagName string) string {
	return "PPNSHOP_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// serve runs the shop until SIGINT/SIGTERM, then drains requests in flight.
func serve(addr string, cfg shop.Config, stderr io.Writer) error {
	s, err := shop.New(cfg)
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
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "purwantara-shop listening on http://%s (webhooks at %s)\n", ln.Addr(), shop.WebhookPath)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

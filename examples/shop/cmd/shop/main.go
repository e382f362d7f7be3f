// Command shop runs the reference DANA Gapura merchant on its own.
//
//	shop --gateway-url http://127.0.0.1:9080 --partner-id P --merchant-id M \
//	     --private-key keys/merchant.pem --gateway-public-key keys/gateway.pub.pem
//
// Every flag falls back to an environment variable SHOP_<FLAG> (upper case,
// dashes as underscores; SHOP_FAULT takes a comma-separated list).
// "--fault list" prints the deliberate faults the shop can be started with.
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

	"github.com/uatrun/uatrun/examples/shop"
)

type options struct {
	listen, gatewayURL, publicURL, partnerID, merchantID string
	privateKey, gatewayPublicKey, db, webhook            string
	faults                                               []string
	listFaults, verifyLikeSDK                            bool
	queueDelay                                           time.Duration
}

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "shop:", err)
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
	cfg, err := shopConfig(opts, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	return serve(opts.listen, cfg, stderr)
}

// parseFlags reads flags, falling back to SHOP_* variables for unset ones.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("shop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, def, usage string) {
		if v := getenv(envName(name)); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" (env "+envName(name)+")")
	}
	str(&o.listen, "listen", "127.0.0.1:8080", "address to listen on")
	str(&o.gatewayURL, "gateway-url", "", "DANA base URL, e.g. the uatrun emulator http://127.0.0.1:9080")
	str(&o.publicURL, "public-url", "", "the shop's own base URL for PAY_RETURN and NOTIFICATION (default: http://<listen address>)")
	str(&o.partnerID, "partner-id", "", "X-PARTNER-ID issued by DANA")
	str(&o.merchantID, "merchant-id", "", "merchantId issued by DANA")
	str(&o.privateKey, "private-key", "", "merchant RSA private key PEM file")
	str(&o.gatewayPublicKey, "gateway-public-key", "", "DANA public key PEM file")
	str(&o.db, "db", "", "SQLite database file (default: in memory)")
	str(&o.webhook, "fulfilment-webhook", "", "URL that receives a POST for each fulfilment")
	fs.BoolVar(&o.verifyLikeSDK, "verify-like-sdk", getenv(envName("verify-like-sdk")) == "true",
		"check notifies only as DANA's SDK parsers do (no X-TIMESTAMP form or age check) (env SHOP_VERIFY_LIKE_SDK=true)")
	queue := "0s"
	str(&queue, "queue-delay", "0s", "book notifies from a job queue this long after acknowledging them (0s: within the request)")
	fs.Func("fault", "start with a deliberate fault (repeatable; \"list\" prints them) (env SHOP_FAULT, comma-separated)",
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
	if len(o.faults) == 0 && !o.listFaults && getenv("SHOP_FAULT") != "" {
		o.faults = strings.Split(getenv("SHOP_FAULT"), ",")
	}
	return o, nil
}

func envName(flagName string) string {
	return "SHOP_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func shopConfig(o options, log *slog.Logger) (shop.Config, error) {
	if o.privateKey == "" || o.gatewayPublicKey == "" {
		return shop.Config{}, errors.New("--private-key and --gateway-public-key are required")
	}
	key, err := os.ReadFile(o.privateKey)
	if err != nil {
		return shop.Config{}, fmt.Errorf("read private key: %w", err)
	}
	pub, err := os.ReadFile(o.gatewayPublicKey)
	if err != nil {
		return shop.Config{}, fmt.Errorf("read gateway public key: %w", err)
	}
	return shop.Config{GatewayURL: o.gatewayURL, PublicURL: o.publicURL, PartnerID: o.partnerID,
		MerchantID: o.merchantID, PrivateKeyPEM: key, GatewayPublicKeyPEM: pub, DBPath: o.db,
		Faults: o.faults, FulfilmentWebhook: o.webhook, Logger: log, VerifyLikeSDK: o.verifyLikeSDK, QueueDelay: o.queueDelay}, nil
}

// serve runs the shop until SIGINT/SIGTERM, then drains requests in flight.
func serve(addr string, cfg shop.Config, stderr io.Writer) error {
	gin.SetMode(gin.ReleaseMode)
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
	fmt.Fprintf(stderr, "shop listening on http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

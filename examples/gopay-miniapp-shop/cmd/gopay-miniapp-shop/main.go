// Command gopay-miniapp-shop runs the reference GoPay Mini App backend as
// its own process, for uatrun run --config examples/gopay-miniapp-shop/uatrun.yaml.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	gopayminishop "github.com/uatrun/uatrun/examples/gopay-miniapp-shop"
)

type faultFlag []string

func (f *faultFlag) String() string     { return strings.Join(*f, ",") }
func (f *faultFlag) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gopay-miniapp-shop:", err)
		os.Exit(2)
	}
}

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func run() error {
	var faults faultFlag
	listen := flag.String("listen", "127.0.0.1:8084", "address to listen on")
	gateway := flag.String("gateway-url", "http://127.0.0.1:9080", "GoPay and Midtrans base URL (the emulator)")
	cred := flag.String("miniapp-credential", env("GOPAYMINI_SHOP_MINIAPP_CREDENTIAL", ""), "client_id:client_secret emailed by GoPay (or GOPAYMINI_SHOP_MINIAPP_CREDENTIAL)")
	partner := flag.String("partner-id", "uatrun-demo-partner", "BI-SNAP client id")
	secret := flag.String("client-secret", env("GOPAYMINI_SHOP_CLIENT_SECRET", ""), "BI-SNAP client secret (or GOPAYMINI_SHOP_CLIENT_SECRET)")
	merchant := flag.String("merchant-id", "G000000001", "Midtrans merchant id")
	pop := flag.String("pop-id", "", "PoP ID issued for the mini app")
	keyPath := flag.String("private-key", "keys/merchant.pem", "RSA private key (PEM) signing the B2B token request")
	pubPath := flag.String("gateway-public-key", "keys/gateway.pub.pem", "gateway public key (PEM) verifying debit notifies")
	publicURL := flag.String("public-url", "", "where the GoPay app and the gateway reach this shop (default http://LISTEN)")
	webhook := flag.String("fulfilment-webhook", "", "URL fulfilments are posted to")
	queueDelay := flag.Duration("queue-delay", 0, "book debit notifies from a job queue this long after acknowledging them (0s: within the request)")
	flag.Var(&faults, "fault", "switch on an integration bug (repeatable); 'list' prints them")
	flag.Parse()
	if *queueDelay < 0 {
		return fmt.Errorf("--queue-delay %s: want a duration such as 300ms", *queueDelay)
	}
	if len(faults) == 1 && faults[0] == "list" {
		for _, f := range gopayminishop.Faults() {
			fmt.Printf("%-32s %s\n", f.Name, f.Description)
		}
		return nil
	}
	key, err := os.ReadFile(*keyPath)
	if err != nil {
		return err
	}
	pub, err := os.ReadFile(*pubPath)
	if err != nil {
		return err
	}
	s, err := gopayminishop.New(gopayminishop.Config{GatewayURL: *gateway, MiniAppCredential: *cred, PartnerID: *partner,
		ClientSecret: *secret, MerchantID: *merchant, PopID: *pop, PrivateKeyPEM: key, GatewayPublicKeyPEM: pub,
		FulfilmentWebhook: *webhook, Faults: faults, QueueDelay: *queueDelay})
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if *publicURL == "" {
		*publicURL = "http://" + ln.Addr().String()
	}
	s.SetPublicURL(*publicURL)
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	fmt.Printf("gopay-miniapp-shop listening on %s (faults: %s)\n", *publicURL, faults.String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

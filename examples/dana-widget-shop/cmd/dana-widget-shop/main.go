// Command dana-widget-shop runs the reference DANA Widget merchant on its own.
//
//	dana-widget-shop --gateway-url http://127.0.0.1:9080 --partner-id P --merchant-id M \
//	     --private-key keys/merchant.pem --gateway-public-key keys/gateway.pub.pem
//
// Every flag falls back to DANA_WIDGET_SHOP_<FLAG> (upper case, dashes as
// underscores; DANA_WIDGET_SHOP_FAULT takes a comma-separated list).
// "--fault list" prints the deliberate faults.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	danawidgetshop "github.com/uatrun/uatrun/examples/dana-widget-shop"
)

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "dana-widget-shop:", err)
		os.Exit(1)
	}
}

func envName(flagName string) string {
	return "DANA_WIDGET_SHOP_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dana-widget-shop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var listen, gatewayURL, publicURL, partnerID, merchantID, privateKey, gatewayKey string
	str := func(p *string, name, def, usage string) {
		if v := getenv(envName(name)); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" (env "+envName(name)+")")
	}
	str(&listen, "listen", "127.0.0.1:8085", "address to listen on")
	str(&gatewayURL, "gateway-url", "", "DANA base URL (API, OAuth page, cashier), e.g. the uatrun emulator http://127.0.0.1:9080")
	str(&publicURL, "public-url", "", "the shop's own base URL for redirectUrl, PAY_RETURN and NOTIFICATION (default http://<listen>)")
	str(&partnerID, "partner-id", "", "clientId (X-PARTNER-ID) issued by DANA")
	str(&merchantID, "merchant-id", "", "merchantId issued by DANA")
	str(&privateKey, "private-key", "", "merchant RSA private key PEM file")
	str(&gatewayKey, "gateway-public-key", "", "DANA public key PEM file")
	queue := "0s"
	str(&queue, "queue-delay", "0s", "book notifies from a job queue this long after acknowledging them (0s: within the request)")
	var faults []string
	list := false
	fs.Func("fault", "start with a deliberate fault (repeatable; \"list\" prints them) (env "+envName("fault")+", comma-separated)", func(v string) error {
		if v == "list" {
			list = true
		} else {
			faults = append(faults, v)
		}
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	queueDelay, err := time.ParseDuration(queue)
	if err != nil || queueDelay < 0 {
		return fmt.Errorf("--queue-delay %q: want a duration such as 300ms", queue)
	}
	if list {
		for _, f := range danawidgetshop.Faults() {
			fmt.Fprintf(stdout, "%s\t%s\n", f.Name, f.Description)
		}
		return nil
	}
	if len(faults) == 0 && getenv(envName("fault")) != "" {
		faults = strings.Split(getenv(envName("fault")), ",")
	}
	if gatewayURL == "" || privateKey == "" || gatewayKey == "" {
		return errors.New("--gateway-url, --private-key and --gateway-public-key are required")
	}
	key, err := os.ReadFile(privateKey)
	if err != nil {
		return err
	}
	pub, err := os.ReadFile(gatewayKey)
	if err != nil {
		return err
	}
	if publicURL == "" {
		publicURL = "http://" + listen
	}
	s, err := danawidgetshop.New(danawidgetshop.Config{GatewayURL: gatewayURL, PublicURL: publicURL, PartnerID: partnerID,
		MerchantID: merchantID, PrivateKeyPEM: key, GatewayPublicKeyPEM: pub, Faults: faults, QueueDelay: queueDelay})
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Fprintf(stderr, "dana-widget-shop listening on http://%s (faults: %v)\n", ln.Addr(), faults)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

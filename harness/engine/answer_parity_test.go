package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/merchant"
	"github.com/uatrun/uatrun/harness/scenario"
)

// A merchant action answers the same whether it is an HTTP request or a
// command: the scenario below must be judged alike against a shop served
// over HTTP, the same shop run as a command (exit 1 refuses), and the
// same shop answering HTTP 200 {"success": false} read by refused_when.

// shopArg is os.Args[1] when the test binary is re-executed as the shop's
// command-line tool.
const shopArg = "engine-test-shop"

func TestMain(m *testing.M) {
	if len(os.Args) > 3 && os.Args[1] == shopArg {
		os.Exit(shopCommand(os.Args[2], os.Args[3], os.Args[4:]))
	}
	_ = os.Setenv("GORACE", "atexit_sleep_ms=0")
	os.Exit(m.Run())
}

// shop is the merchant logic every variant shares: orders are paid at
// checkout, refunds beyond what was paid are refused.
type shop struct {
	Next   int                   `json:"next"`
	Orders map[string]*shopOrder `json:"orders"`
}

type shopOrder struct{ Paid, Refunded float64 }

func (s *shop) act(action string, args map[string]string) (refused bool, answer map[string]any) {
	if s.Orders == nil {
		s.Orders = map[string]*shopOrder{}
	}
	amount, _ := strconv.ParseFloat(args["amount"], 64)
	switch action {
	case "checkout":
		s.Next++
		id := fmt.Sprintf("ORD-%d", s.Next)
		s.Orders[id] = &shopOrder{Paid: amount}
		return false, map[string]any{"order_id": id}
	case "refund":
		o := s.Orders[args["order"]]
		if o == nil || o.Refunded+amount > o.Paid {
			return true, map[string]any{"error": "the refund exceeds what was paid"}
		}
		o.Refunded += amount
		return false, map[string]any{"refunded": o.Refunded}
	}
	o := s.Orders[args["order"]]
	status := "paid"
	if o.Refunded > 0 {
		status = "partially_refunded"
	}
	return false, map[string]any{"status": status, "refunded": o.Refunded}
}

// shopCommand runs one action against a shop kept in a state file: stdout
// is the JSON answer, exit 1 a refusal, as the README documents.
func shopCommand(state, action string, kv []string) int {
	var s shop
	if b, err := os.ReadFile(state); err == nil {
		_ = json.Unmarshal(b, &s)
	}
	args := map[string]string{}
	for _, a := range kv {
		k, v, _ := strings.Cut(a, "=")
		args[k] = v
	}
	if action == "crash" {
		fmt.Fprintln(os.Stderr, "panic: database is locked")
		return 2
	}
	refused, answer := s.act(action, args)
	b, _ := json.Marshal(s)
	_ = os.WriteFile(state, b, 0o600)
	_ = json.NewEncoder(os.Stdout).Encode(answer)
	if refused {
		return merchant.ExitRefused
	}
	return 0
}

// shopServer serves the shop over HTTP; laravel answers a refusal with
// HTTP 200 {"success": false}, the others with 422.
func shopServer(t *testing.T, laravel bool) *httptest.Server {
	var mu sync.Mutex
	var s shop
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		args := map[string]string{}
		_ = json.NewDecoder(r.Body).Decode(&args)
		action := strings.Trim(r.URL.Path, "/")
		if id, ok := strings.CutPrefix(action, "orders/"); ok {
			action, args["order"] = "order_status", id
		}
		mu.Lock()
		refused, answer := s.act(action, args)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case refused && laravel:
			answer["success"] = false
		case refused:
			w.WriteHeader(http.StatusUnprocessableEntity)
		case laravel:
			answer["success"] = true
		}
		_ = json.NewEncoder(w).Encode(answer)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func httpActions(refusedWhen map[string]string) map[string]config.Action {
	return map[string]config.Action{
		"checkout":     {Method: "POST", Path: "/checkout", JSON: map[string]any{"amount": "{{.amount}}"}, Capture: map[string]string{"order": "order_id"}},
		"refund":       {Method: "POST", Path: "/refund", JSON: map[string]any{"order": "{{.order}}", "amount": "{{.amount}}"}, RefusedWhen: refusedWhen},
		"order_status": {Path: "/orders/{{.order}}", Capture: map[string]string{"status": "status", "refunded": "refunded"}},
	}
}

func commandActions(state string) map[string]config.Action {
	tool := func(action string, args ...string) []string {
		return append([]string{os.Args[0], shopArg, state, action}, args...)
	}
	return map[string]config.Action{
		"checkout":     {Command: tool("checkout", "amount={{.amount}}"), Capture: map[string]string{"order": "order_id"}},
		"refund":       {Command: tool("refund", "order={{.order}}", "amount={{.amount}}")},
		"order_status": {Command: tool("order_status", "order={{.order}}"), Capture: map[string]string{"status": "status", "refunded": "refunded"}},
		"crash":        {Command: tool("crash")},
	}
}

// driverMerchant adapts merchant.Driver the way the session does: what
// the run cannot judge is ErrUnjudgeable, anything else is an answer.
type driverMerchant struct{ d *merchant.Driver }

func (a driverMerchant) Has(name string) bool { return a.d.Has(name) }

func (a driverMerchant) Call(ctx context.Context, name string, vars map[string]any) (ActionResult, error) {
	r, err := a.d.Do(ctx, name, vars)
	out := ActionResult{Status: r.Status, Body: r.Body, Captures: r.Captures, Exchange: r.Exchange}
	for _, unjudgeable := range []error{merchant.ErrUnreachable, merchant.ErrTimeout, merchant.ErrTooLarge,
		merchant.ErrTemplate, merchant.ErrUnknownAction} {
		if errors.Is(err, unjudgeable) {
			return out, fmt.Errorf("%w: %v", ErrUnjudgeable, err)
		}
	}
	return out, err
}

const paritySrc = `id: E-PARITY
title: a refund beyond what was paid is refused
gateway: fake
family: refund
steps:
  - merchant: checkout
    with: {amount: "10000"}
    capture: [order]
    expect: {status: 2xx}
  - merchant: refund
    with: {order: "{{.order}}", amount: "6000"}
    expect: {status: 2xx}
  - merchant: refund
    with: {order: "{{.order}}", amount: "6000"}
    expect: {status: "!2xx"}
  - merchant: order_status
    with: {order: "{{.order}}"}
    expect: {status_is: PARTIALLY_REFUNDED, refunded: 6000}
`

func runWithDriver(t *testing.T, src, base string, actions map[string]config.Action) evidence.Scenario {
	t.Helper()
	scs, errs := scenario.Parse("parity.yaml", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d, err := merchant.New(actions, merchant.Options{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	g := &fakeGateway{deliveries: map[string][]emulator.Delivery{}}
	e := New(Target{Gateway: g, Merchant: driverMerchant{d}, Settle: 200 * time.Millisecond})
	return e.Run(context.Background(), scs, Plan{}, Hooks{})[0]
}

func TestAnswers_HTTPAndCommandMerchantsAreJudgedAlike(t *testing.T) {
	t.Parallel() // its own shop, state file and engines
	state := filepath.Join(t.TempDir(), "shop.json")
	for _, tc := range []struct {
		name    string
		base    string
		actions map[string]config.Action
	}{
		{"HTTP, refusing with 422", shopServer(t, false).URL, httpActions(nil)},
		{"command, refusing with exit 1", "", commandActions(state)},
		{"HTTP 200 {success: false}, read by refused_when", shopServer(t, true).URL, httpActions(map[string]string{"success": "false"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runWithDriver(t, paritySrc, tc.base, tc.actions)
			if got.Verdict != evidence.Passed {
				t.Fatalf("verdict %s (%s), want PASSED", got.Verdict, got.Reason)
			}
			refusal := got.Steps[2].Checks[0]
			if !strings.HasPrefix(refusal.Actual, "422") {
				t.Errorf("the refusal was judged from %q, want 422", refusal.Actual)
			}
		})
	}
}

func TestAnswers_AShopAnswering200ForARefusalNeedsRefusedWhen(t *testing.T) {
	got := runWithDriver(t, paritySrc, shopServer(t, true).URL, httpActions(nil))
	if got.Verdict != evidence.Failed || !strings.Contains(got.Reason, "step 3") || !strings.Contains(got.Reason, "expected !2xx, got 200") {
		t.Fatalf("verdict %s (%s), want FAILED at the refusal: without refused_when a 200 is an answer", got.Verdict, got.Reason)
	}
}

func TestAnswers_ACommandThatFailsIsErroredWithItsReason(t *testing.T) {
	src := "id: E-CRASH\ntitle: crash\ngateway: fake\nsteps:\n  - merchant: crash\n    expect: {status: \"!2xx\"}\n"
	state := filepath.Join(t.TempDir(), "shop.json")
	got := runWithDriver(t, src, "", commandActions(state))
	if got.Verdict != evidence.Errored || !strings.Contains(got.Reason, "exited with status 2, which is no answer") ||
		!strings.Contains(got.Reason, "database is locked") {
		t.Fatalf("verdict %s (%s), want ERRORED naming the exit status and stderr", got.Verdict, got.Reason)
	}
	missing := commandActions(state)
	missing["crash"] = config.Action{Command: []string{filepath.Join(t.TempDir(), "no-such-tool")}}
	got = runWithDriver(t, src, "", missing)
	if got.Verdict != evidence.Errored || !strings.Contains(got.Reason, "cannot run") {
		t.Fatalf("verdict %s (%s), want ERRORED: a command that cannot start is no answer", got.Verdict, got.Reason)
	}
}

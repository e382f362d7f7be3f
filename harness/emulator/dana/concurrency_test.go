package dana

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

// TestConcurrency_HundredOrdersCreatedPaidAndRefunded runs 100 shoppers at
// once through create, pay (with its notify) and refund, while readers
// poll the evidence; run it with -race.
func TestConcurrency_HundredOrdersCreatedPaidAndRefunded(t *testing.T) {
	const n = 100
	f := newFixture(t)
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() { // the engine reads while everything runs
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
				_ = f.e.Exchanges()
				_ = f.e.Orders()
				_ = f.e.Calls(APICreateOrder)
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f.shopper(fmt.Sprintf("INV-%03d", i))
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	orders := f.e.Orders()
	if len(orders) != n {
		t.Fatalf("%d orders", len(orders))
	}
	for _, o := range orders {
		if o.Status != StatusSuccess || o.Refunded != "600.00" || o.Deliveries != 1 {
			t.Errorf("order %+v", o)
		}
	}
	if got, want := len(f.e.Exchanges()), n*4; got != want { // create, notify, 2 refunds
		t.Errorf("%d exchanges, want %d", got, want)
	}
	if notifies := len(f.merchant.notifies()); notifies != n {
		t.Errorf("%d notifies, want %d", notifies, n)
	}
}

// shopper creates, pays and twice refunds one order.
func (f *fixture) shopper(ref string) error {
	status, res := f.postSafe(pathOf(APICreateOrder), f.createBody(ref, "1000.00"))
	if status != http.StatusOK {
		return fmt.Errorf("%s create: %d %s", ref, status, res.Raw)
	}
	if _, err := f.e.Act(context.Background(), emulator.Action{Name: actPay, Order: ref}); err != nil {
		return fmt.Errorf("%s pay: %v", ref, err)
	}
	for _, r := range []string{"RF-A", "RF-B"} {
		if status, res := f.postSafe(pathOf(APIRefundOrder), refundBody(ref, r, "300.00")); status != http.StatusOK {
			return fmt.Errorf("%s refund: %d %s", ref, status, res.Raw)
		}
	}
	return nil
}

// postSafe is post without t.Fatal, for use off the test goroutine.
func (f *fixture) postSafe(path string, body map[string]any) (int, gjson.Result) {
	req := f.request(path, mustJSON(f.t, body), "")
	status, res, _ := f.serve(req)
	return status, res
}

// TestConcurrency_RealClockTimersAreStoppedByClose: with the wall clock an
// expiry timer is a real goroutine-backed timer; Close must disarm it.
func TestConcurrency_RealClockTimersAreStoppedByClose(t *testing.T) {
	mk, gk := testKeys(t)
	e, err := New(Options{MerchantPublicKey: &mk.PublicKey, GatewayPrivateKey: gk, Clock: clock.Real{}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, e: e, clk: clock.NewFake(time.Now()), merchant: newMerchant(t, &gk.PublicKey)}
	body := f.createBody("INV-RT", "1000.00")
	body["validUpTo"] = snap.FormatTimestamp(time.Now().Add(20 * time.Minute))
	if status, res := f.postSafe(pathOf(APICreateOrder), body); status != http.StatusOK {
		t.Fatalf("%d %s", status, res.Raw)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if o := e.st.orders.All()[0]; o.expiry != nil {
		t.Error("Close left the expiry timer armed")
	}
}

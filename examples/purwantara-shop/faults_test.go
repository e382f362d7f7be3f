package purwantarashop

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Each fault is run against a correct shop and a faulty one, and names
// what each must observe: a fault that changes nothing, or a correct shop
// that shows the bug, both fail.
var faultCases = []struct {
	fault           string
	run             func(t *testing.T, b *bench) string
	correct, faulty string
}{
	{faultWebhookNoVerify, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "qris")
		body := webhookBody(b.order(t, id)["uuid"].(string), id, "PAID", "15000.0000")
		code, _ := b.do(t, http.MethodPost, WebhookPath, string(body), hookHeaders(sign("forged", body), "f"))
		return fmt.Sprint(code, " ", b.order(t, id)["status"])
	}, "401 pending", "200 paid"},
	{faultVerifyReencodedJSON, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "payment-link")
		return fmt.Sprint(b.hook(t, id, "PAID", "d1"), " ", b.order(t, id)["status"])
	}, "200 paid", "401 pending"},
	{faultDoubleFulfil, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "virtual-account")
		b.hook(t, id, "PAID", "d1")
		b.hook(t, id, "PAID", "d1")
		return fmt.Sprint(num(b.order(t, id)["fulfilments"]))
	}, "1", "2"},
	{faultDedupeByDeliveryOnly, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "virtual-account")
		b.hook(t, id, "PAID", "d1")
		b.hook(t, id, "PAID", "d1")
		b.hook(t, id, "PAID", "d2")
		return fmt.Sprint(num(b.order(t, id)["fulfilments"]))
	}, "1", "2"},
	{faultExpiredAsPaid, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "counter")
		b.hook(t, id, "EXPIRED", "d1")
		return fmt.Sprint(b.order(t, id)["status"])
	}, "expired", "paid"},
	{faultBearerWebhookSecret, func(t *testing.T, b *bench) string {
		status, _ := b.do(t, http.MethodPost, "/checkout", `{"amount":"15000"}`, nil)
		return fmt.Sprint(status, " ", b.ppn.requests()[0].Auth == "Bearer "+testSecret)
	}, "200 false", "502 true"},
	{faultTrustReturnQuery, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "payment-link")
		plain, _ := b.do(t, http.MethodGet, "/return?order="+id, "", nil)
		forged, _ := b.do(t, http.MethodGet, "/return?order="+id+"&status=PAID", "", nil)
		o := b.order(t, id)
		return fmt.Sprint(plain, " ", forged, " ", o["status"], " ", num(o["fulfilments"]))
	}, "200 200 pending 0", "200 200 paid 1"},
	{faultTrustSignedAmount, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "virtual-account")
		body := webhookBody(b.order(t, id)["uuid"].(string), id, "PAID", "14999.0000")
		code, _ := b.do(t, http.MethodPost, WebhookPath, string(body), hookHeaders(sign(testSecret, body), "d1"))
		return fmt.Sprint(code, " ", b.order(t, id)["status"])
	}, "400 pending", "200 paid"},
	{faultStatusFromWebhook, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "virtual-account")
		b.hook(t, id, "PAID", "d1")
		b.hook(t, id, "ACTIVE", "d0") // the creation webhook, retried late
		o := b.order(t, id)
		return fmt.Sprint(o["status"], " ", num(o["fulfilments"]))
	}, "paid 1", "pending 1"},
	{faultMatchByAmount, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "virtual-account")
		body := webhookBody("9cb83507-0000-4000-8000-000000000000", "", "PAID", "15000.0000")
		body = []byte(strings.Replace(string(body), `"external_id":""`, `"external_id":null`, 1))
		code, _ := b.do(t, http.MethodPost, WebhookPath, string(body), hookHeaders(sign(testSecret, body), "d1"))
		return fmt.Sprint(code, " ", b.order(t, id)["status"])
	}, "404 pending", "200 paid"},
	{faultCheckThenAct, func(t *testing.T, b *bench) string {
		// Two copies handled at once: both read the order before either
		// wrote it. Reading it twice first is that interleaving, exactly.
		id := b.checkout(t, "virtual-account")
		ctx := t.Context()
		o1, _ := b.shop.store.order(ctx, id)
		o2, _ := b.shop.store.order(ctx, id)
		if err := b.shop.paid(ctx, o1); err != nil {
			t.Fatal(err)
		}
		if err := b.shop.paid(ctx, o2); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(num(b.order(t, id)["fulfilments"]))
	}, "1", "2"},
	{faultUnsignedAccepted, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "payment-link")
		body := webhookBody(b.order(t, id)["uuid"].(string), id, "PAID", "15000.0000")
		code, _ := b.do(t, http.MethodPost, WebhookPath, string(body), hookHeaders("", "d1"))
		return fmt.Sprint(code, " ", b.order(t, id)["status"])
	}, "401 pending", "200 paid"},
	{faultSignatureCache, func(t *testing.T, b *bench) string {
		// another order's genuine PAID Signature on this order's PAID body
		other := b.checkout(t, "virtual-account")
		b.hook(t, other, "PAID", "d1")
		otherBody := webhookBody(b.order(t, other)["uuid"].(string), other, "PAID", "15000.0000")
		id := b.checkout(t, "virtual-account")
		body := webhookBody(b.order(t, id)["uuid"].(string), id, "PAID", "15000.0000")
		code, _ := b.do(t, http.MethodPost, WebhookPath, string(body), hookHeaders(sign(testSecret, otherBody), "d2"))
		return fmt.Sprint(code, " ", b.order(t, id)["status"])
	}, "401 pending", "200 paid"},
	{faultSignaturePerTx, func(t *testing.T, b *bench) string {
		// the delivered ACTIVE webhook with its status edited to PAID
		id := b.checkout(t, "qris")
		b.hook(t, id, "ACTIVE", "d0")
		active := webhookBody(b.order(t, id)["uuid"].(string), id, "ACTIVE", "15000.0000")
		body := webhookBody(b.order(t, id)["uuid"].(string), id, "PAID", "15000.0000")
		code, _ := b.do(t, http.MethodPost, WebhookPath, string(body), hookHeaders(sign(testSecret, active), "d1"))
		return fmt.Sprint(code, " ", b.order(t, id)["status"])
	}, "401 pending", "200 paid"},
	{faultFailedUnhandled, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "ewallet/ovo")
		return fmt.Sprint(b.hook(t, id, "FAILED", "d1"), " ", b.order(t, id)["status"])
	}, "200 failed", "400 pending"},
	{faultNoReconcile, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "counter")
		b.ppn.inquiry = "PAID"
		b.do(t, http.MethodPost, "/orders/"+id+"/reconcile", `{}`, nil)
		return fmt.Sprint(b.order(t, id)["status"])
	}, "paid", "pending"},
	{faultReuseReference, func(t *testing.T, b *bench) string {
		b.checkout(t, "virtual-account")
		b.checkout(t, "virtual-account")
		reqs := b.ppn.requests()
		return fmt.Sprint(reqs[0].Body["external_id"] == reqs[1].Body["external_id"])
	}, "false", "true"},
	{faultActiveReopens, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "virtual-account")
		b.hook(t, id, "EXPIRED", "d1")
		b.hook(t, id, "ACTIVE", "d2") // the creation webhook, replayed
		return fmt.Sprint(b.order(t, id)["status"])
	}, "expired", "pending"},
	{faultReturnFinalAsPaid, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "payment-link")
		b.ppn.inquiry = "EXPIRED"
		code, _ := b.do(t, http.MethodGet, "/return?order="+id, "", nil)
		o := b.order(t, id)
		return fmt.Sprint(code, " ", o["status"], " ", num(o["fulfilments"]))
	}, "200 pending 0", "200 paid 1"},
	{faultCreateIgnoresStatus, func(t *testing.T, b *bench) string {
		b.ppn.status = http.StatusUnprocessableEntity
		status, _ := b.do(t, http.MethodPost, "/checkout", `{"amount":"15000"}`, nil)
		return fmt.Sprint(status)
	}, "502", "200"},
}

func TestFaults_EachBreaksExactlyItsRule(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range faultCases {
		covered[c.fault] = true
		t.Run(c.fault, func(t *testing.T) {
			if got := c.run(t, newBench(t)); got != c.correct {
				t.Errorf("correct shop: %s, want %s", got, c.correct)
			}
			if got := c.run(t, newBench(t, c.fault)); got != c.faulty {
				t.Errorf("with the fault: %s, want %s", got, c.faulty)
			}
		})
	}
	for _, f := range Faults() {
		if !covered[f.Name] {
			t.Errorf("fault %s has no test", f.Name)
		}
	}
}

func TestFaults_ListIsSortedAndDescribed(t *testing.T) {
	fs := Faults()
	for i, f := range fs {
		if f.Description == "" || (i > 0 && fs[i-1].Name >= f.Name) {
			t.Errorf("fault %d %+v", i, f)
		}
	}
	if b, _ := json.Marshal(fs); len(b) < 100 {
		t.Error("catalogue unexpectedly small")
	}
}

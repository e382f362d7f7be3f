package astapashop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeAstapa answers create with an invoice and verify with a settable status.
type fakeAstapa struct {
	srv      *httptest.Server
	status   atomic.Value // verify's status
	mu       sync.Mutex
	creates  []map[string]any
	verifies int
}

func newFake(t *testing.T) *fakeAstapa {
	f := &fakeAstapa{}
	f.status.Store("pending")
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		if r.Method == http.MethodPost {
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			f.creates = append(f.creates, m)
			if _, isNum := m["amount"].(float64); !isNum {
				w.WriteHeader(http.StatusUnprocessableEntity)
				w.Write([]byte(`{"error":"validation_error","message":"The amount must be an integer."}`))
				return
			}
			w.Write([]byte(`{"invoice_url":"https://astapa.test/invoice/pur_1","order_id":"x","purchase_id":"pur_1"}`))
			return
		}
		f.verifies++
		id, st := r.URL.Query().Get("order_id"), f.status.Load().(string)
		switch {
		case st == "down":
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		case strings.HasPrefix(st, "settled:"): // only that order is settled
			if id == strings.TrimPrefix(st, "settled:") {
				st = "settlement"
			} else {
				st = "pending"
			}
		}
		json.NewEncoder(w).Encode(map[string]string{"order_id": id, "status": st})
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func newShop(t *testing.T, f *fakeAstapa, faults ...string) *Shop {
	t.Helper()
	s, err := New(Config{GatewayURL: f.srv.URL, ClientID: "cid", ClientSecret: "secret", Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func do(t *testing.T, s *Shop, method, path, body string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, bytes.NewBufferString(body)))
	var m map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, m
}

func checkout(t *testing.T, s *Shop) string {
	t.Helper()
	st, m := do(t, s, http.MethodPost, "/checkout", `{"amount":"15000"}`)
	if st != http.StatusOK {
		t.Fatalf("checkout %d %v", st, m)
	}
	return m["order_id"].(string)
}

func purchased(id string, amount int) string {
	b, _ := json.Marshal(map[string]any{"event": "item.purchased", "order_id": id, "item_id": "__direct__", "amount": amount, "currency": "IDR"})
	return string(b)
}

func TestCheckout_SendsCredentialsAndAnIntegerAmount(t *testing.T) {
	f := newFake(t)
	s := newShop(t, f)
	id := checkout(t, s)
	c := f.creates[0]
	if c["client_id"] != "cid" || c["client_secret"] != "secret" || c["amount"] != float64(15000) || c["order_id"] != id || c["buyer_email"] == "" {
		t.Fatalf("create body %v", c)
	}
}

func TestWebhook_FulfilsOnlyWhatVerifyConfirms(t *testing.T) {
	tests := []struct {
		name       string
		verify     string
		amount     int
		wantHTTP   int
		wantStatus string
		wantFulfil float64
	}{
		{"settled", "settlement", 15000, 200, "paid", 1},
		{"forged for a pending payment", "pending", 15000, 409, "pending", 0},
		{"forged for a cancelled payment", "cancel", 15000, 200, "cancelled", 0},
		{"wrong amount", "settlement", 1, 400, "pending", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			s := newShop(t, f)
			id := checkout(t, s)
			f.status.Store(tc.verify)
			if st, m := do(t, s, http.MethodPost, WebhookPath, purchased(id, tc.amount)); st != tc.wantHTTP {
				t.Fatalf("HTTP %d %v", st, m)
			}
			_, o := do(t, s, http.MethodGet, "/orders/"+id, "")
			if o["status"] != tc.wantStatus || o["fulfilments"] != tc.wantFulfil {
				t.Fatalf("order %v", o)
			}
		})
	}
}

func TestWebhook_ConcurrentCopiesFulfilOnce(t *testing.T) {
	f := newFake(t)
	s := newShop(t, f)
	id := checkout(t, s)
	f.status.Store("settlement")
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st, _ := do(t, s, http.MethodPost, WebhookPath, purchased(id, 15000)); st != http.StatusOK {
				t.Errorf("copy answered %d", st)
			}
		}()
	}
	wg.Wait()
	if _, o := do(t, s, http.MethodGet, "/orders/"+id, ""); o["fulfilments"] != float64(1) {
		t.Fatalf("order %v", o)
	}
}

func TestReconcile_AppliesVerify(t *testing.T) {
	for status, want := range map[string]string{"settlement": "paid", "expire": "expired", "cancel": "cancelled", "pending": "pending"} {
		t.Run(status, func(t *testing.T) {
			f := newFake(t)
			s := newShop(t, f)
			id := checkout(t, s)
			f.status.Store(status)
			if _, o := do(t, s, http.MethodPost, "/orders/"+id+"/reconcile", ""); o["status"] != want {
				t.Fatalf("order %v", o)
			}
		})
	}
}

func TestFaults_AmountNotIntegerIsRefused(t *testing.T) {
	s := newShop(t, newFake(t), faultAmountNotInteger)
	if st, _ := do(t, s, http.MethodPost, "/checkout", `{"amount":"15000"}`); st != http.StatusBadGateway {
		t.Fatalf("checkout with a string amount answered %d", st)
	}
	if _, err := New(Config{GatewayURL: "http://x", ClientID: "a", ClientSecret: "b", Faults: []string{"nope"}}); err == nil {
		t.Fatal("unknown fault accepted")
	}
}

// Each new fault is run against a correct shop and a faulty one.
func TestFaults_Round2EachBreaksItsRule(t *testing.T) {
	cases := []struct {
		fault           string
		run             func(t *testing.T, s *Shop, f *fakeAstapa) string
		correct, faulty string
	}{
		{faultVerifyErrorTrusts, func(t *testing.T, s *Shop, f *fakeAstapa) string {
			id := checkout(t, s)
			f.status.Store("down")
			st, _ := do(t, s, http.MethodPost, WebhookPath, purchased(id, 15000))
			_, o := do(t, s, http.MethodGet, "/orders/"+id, "")
			return fmt.Sprint(st, " ", o["status"])
		}, "502 pending", "200 paid"},
		{faultCancelOnForged, func(t *testing.T, s *Shop, f *fakeAstapa) string {
			id := checkout(t, s)
			do(t, s, http.MethodPost, WebhookPath, purchased(id, 15000)) // forged: verify says pending
			f.status.Store("settlement")
			do(t, s, http.MethodPost, WebhookPath, purchased(id, 15000)) // the real one
			_, o := do(t, s, http.MethodGet, "/orders/"+id, "")
			return fmt.Sprint(o["status"], " ", o["fulfilments"])
		}, "paid 1", "cancelled 0"},
		{faultVerifyMetadataOrder, func(t *testing.T, s *Shop, f *fakeAstapa) string {
			a, b := checkout(t, s), checkout(t, s)
			f.status.Store("settled:" + a)
			body := `{"event":"item.purchased","order_id":"` + b + `","item_id":"__direct__","amount":15000,"currency":"IDR","metadata":{"order_ref":"` + a + `"}}`
			do(t, s, http.MethodPost, WebhookPath, body)
			_, o := do(t, s, http.MethodGet, "/orders/"+b, "")
			return fmt.Sprint(o["status"])
		}, "pending", "paid"},
		{faultExpireLeftPending, func(t *testing.T, s *Shop, f *fakeAstapa) string {
			id := checkout(t, s)
			f.status.Store("expire")
			_, o := do(t, s, http.MethodPost, "/orders/"+id+"/reconcile", "")
			return fmt.Sprint(o["status"])
		}, "expired", "pending"},
		{faultWebhookUnlessPend, func(t *testing.T, s *Shop, f *fakeAstapa) string {
			id := checkout(t, s)
			f.status.Store("cancel")
			do(t, s, http.MethodPost, WebhookPath, purchased(id, 15000)) // forged
			_, o := do(t, s, http.MethodGet, "/orders/"+id, "")
			return fmt.Sprint(o["status"], " ", o["fulfilments"])
		}, "cancelled 0", "paid 1"},
	}
	for _, c := range cases {
		t.Run(c.fault, func(t *testing.T) {
			f := newFake(t)
			if got := c.run(t, newShop(t, f), f); got != c.correct {
				t.Errorf("correct shop: %s, want %s", got, c.correct)
			}
			f = newFake(t)
			if got := c.run(t, newShop(t, f, c.fault), f); got != c.faulty {
				t.Errorf("with the fault: %s, want %s", got, c.faulty)
			}
		})
	}
}

package purwantara

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/tidwall/gjson"
)

// Spec §6 vector, computed independently with Python's hmac module.
func TestSign_SpecVector(t *testing.T) {
	got := Sign("S3CRE7", []byte(`{"uuid":"abc","status":"PAID"}`))
	if want := "8a6e239a98028d47b8430a7847d1e719ceab48431282b9a8f536edef83dc1bb6"; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// Every channel's paid webhook carries Purwantara's headers and verifies
// both ways: over the raw body, and as Purwantara's PHP example does, over
// json_encode(json_decode(body)). A payment link with a non-ASCII title and
// a return_url full of slashes is the hard case.
func TestWebhook_VerifiesWithRawAndReencodingVerifiers(t *testing.T) {
	bodies := map[string]string{"payment-link": `{"amount":"15000","title":"Kopi Susu — Café/Bar","external_id":"PL-9",` +
		`"return_url":"https://shop.example/return?order=PL-9&x=<1>","description":"2 × kopi"}`}
	for path, body := range validBodies {
		if b, ok := bodies[path]; ok {
			body = b
		}
		t.Run(path, func(t *testing.T) {
			f := newFixture(t, noCreateHook)
			uuid := f.mustCreate(path, body)
			f.act("pay", uuid, nil)
			hs := f.waitHooks(1)
			h := hs[0]
			for name, want := range map[string]string{"User-Agent": UserAgent, "Accept": "*/*", "Content-Type": "application/json"} {
				if got := h.header.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if !uuidPattern.MatchString(h.header.Get(HeaderDelivery)) {
				t.Errorf("X-PPN-Delivery %q is not a v4 UUID", h.header.Get(HeaderDelivery))
			}
			if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h.header.Get(HeaderSignature)) {
				t.Errorf("Signature %q is not 64 lowercase hex", h.header.Get(HeaderSignature))
			}
			if !verifyRaw(testSecret, h) {
				t.Error("raw-body verifier rejected a genuine webhook")
			}
			if !verifyReencoded(testSecret, h) {
				t.Errorf("PHP re-encoding verifier rejected a genuine webhook: %s", h.body)
			}
			if got := gjson.GetBytes(h.body, "status").Str; got != StatusPaid {
				t.Errorf("status %q, want PAID", got)
			}
			if !gjson.GetBytes(h.body, "paid_at").Exists() || gjson.GetBytes(h.body, "paid_at").Type == gjson.Null {
				t.Error("paid_at is null on a PAID webhook")
			}
		})
	}
}

// The pitfall the fault verify-reencoded-json reproduces: re-encoding with
// Go's encoding/json changes the bytes, so the signature no longer matches.
func TestWebhook_GoReencodingVerifierFails(t *testing.T) {
	f := newFixture(t, noCreateHook)
	uuid := f.mustCreate("payment-link", validBodies["payment-link"])
	f.act("pay", uuid, nil)
	h := f.waitHooks(1)[0]
	var m map[string]any
	if err := json.Unmarshal(h.body, &m); err != nil {
		t.Fatal(err)
	}
	goBytes, _ := json.Marshal(m)
	if Sign(testSecret, goBytes) == h.header.Get(HeaderSignature) {
		t.Fatal("a Go re-encode verified; the payload no longer exercises the escaped-slash pitfall")
	}
}

func TestWebhook_EvidenceRecordsSelfCheckAndRedacts(t *testing.T) {
	f := newFixture(t, noCreateHook)
	uuid := f.mustCreate("qris", validBodies["qris"])
	res := f.act("pay", uuid, nil)
	if len(res.Deliveries) != 1 || !res.Deliveries[0].Acked {
		t.Fatalf("deliveries %+v", res.Deliveries)
	}
	x := res.Deliveries[0].Exchange
	if x.Signature == nil || !x.Signature.Valid {
		t.Fatalf("signature self-check %+v", x.Signature)
	}
	raw, _ := json.Marshal(f.e.Exchanges())
	for _, secret := range []string{testToken, testSecret} {
		if regexp.MustCompile(regexp.QuoteMeta(secret)).Match(raw) {
			t.Errorf("evidence contains the secret %q", secret)
		}
	}
	if x.Request.Headers["Signature"] == nil || x.Response == nil || x.Response.Status != http.StatusOK {
		t.Errorf("exchange lacks the signature header or the answer: %+v", x)
	}
}

package purwantara

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// The expected strings are what PHP 8's json_encode prints for the same
// values with default flags.
func TestMarshalPHP_MatchesJSONEncodeDefaults(t *testing.T) {
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"slashes escaped", "https://shop.example/return?a=1", `"https:\/\/shop.example\/return?a=1"`},
		{"latin-1 as lowercase \\u", "Café", `"Caf\u00e9"`},
		{"BMP symbol", "Rp 15.000 ☕ €", `"Rp 15.000 \u2615 \u20ac"`},
		{"astral as surrogate pair", "😀", `"\ud83d\ude00"`},
		{"HTML left alone", `<a href='x'>&</a>`, `"<a href='x'>&<\/a>"`},
		{"quote and backslash", `say "hi" \o/`, `"say \"hi\" \\o\/"`},
		{"short escapes", "a\tb\nc\rd\be\ff", `"a\tb\nc\rd\be\ff"`},
		{"other controls", "\x01\x1f", `"\u0001\u001f"`},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", `"a\ufffdb"`},
		{"scalars", obj{{"n", nil}, {"t", true}, {"f", false}, {"i", 8}, {"j", int64(-3)}}, `{"n":null,"t":true,"f":false,"i":8,"j":-3}`},
		{"key order kept", obj{{"z", 1}, {"a", 2}, {"m", 3}}, `{"z":1,"a":2,"m":3}`},
		{"nested and arrays", obj{{"e", obj{{"meta", obj{{"p", "08/1"}}}}}, {"l", []any{"x", 1, nil}}, {"empty", []any{}}},
			`{"e":{"meta":{"p":"08\/1"}},"l":["x",1,null],"empty":[]}`},
		{"keys escaped too", obj{{"a/b", "é"}}, `{"a\/b":"\u00e9"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(marshalPHP(c.in)); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// A fixed transaction must serialise to exactly these bytes: this is the
// contract every merchant verifier relies on.
func TestPayload_IsByteExactPHPStyle(t *testing.T) {
	created := time.Date(2026, 3, 2, 3, 4, 5, 0, time.UTC)
	tx := &tx{uuid: "9cb83507-a0ab-4d59-ae53-123456789012", ref: "PL-1", ch: channels[4],
		title: "Kopi Susu Gula Aren — Café", description: "2 × kopi", customerPhone: "08123456789",
		returnURL: "https://shop.example/return?order=PL-1", amount: 150000000,
		created: created, expires: created.Add(24 * time.Hour), instrument: "http://127.0.0.1:9/simulator/9cb8"}
	got := string(marshalPHP(payload(tx, StatusPaid, created.Add(time.Minute), "OVO")))
	want := `{"uuid":"9cb83507-a0ab-4d59-ae53-123456789012",` +
		`"event":{"meta":{"customer_phone":"08123456789","customer_name":"Ayu D\u00e9wi S\u00fckarno \ud83c\udf3a"},"type":"payment-link","channel":"OVO"},` +
		`"title":"Kopi Susu Gula Aren \u2014 Caf\u00e9","amount":"15000.0000","status":"PAID",` +
		`"paid_at":"2026-03-02T03:05:05.000000Z","settle_at":null,"channel_id":8,` +
		`"created_at":"2026-03-02T03:04:05.000000Z","expires_at":"2026-03-03T03:04:05.000000Z",` +
		`"return_url":"https:\/\/shop.example\/return?order=PL-1","description":"2 \u00d7 kopi",` +
		`"external_id":"PL-1","payment_link_url":"http:\/\/127.0.0.1:9\/simulator\/9cb8"}`
	if got != want {
		t.Errorf("payload bytes differ\n got: %s\nwant: %s", got, want)
	}
}

func TestReencodePHP_ReproducesPHPStyleBytes(t *testing.T) {
	in := []byte(`{"b":"https:\/\/x.id\/p","a":{"k":[1,"\u00e9",null,true]},"n":10000.5}`)
	out, err := ReencodePHP(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, in) {
		t.Errorf("re-encoding changed the bytes:\n in: %s\nout: %s", in, out)
	}
}

// What Go's encoding/json writes for the same data is not what PHP writes:
// a verifier that re-encodes with Go breaks on "/" and on key order.
func TestReencodePHP_DiffersFromGoEncoding(t *testing.T) {
	goBytes, err := json.Marshal(map[string]any{"url": "https://x.id/p", "name": "Café"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ReencodePHP(goBytes)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"Caf\u00e9","url":"https:\/\/x.id\/p"}`; string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
	if bytes.Equal(out, goBytes) {
		t.Error("Go's encoding and PHP's should differ for slashes and non-ASCII")
	}
}

func TestReencodePHP_RejectsBadJSON(t *testing.T) {
	deep := bytes.Repeat([]byte("["), maxDepth+2)
	for _, in := range []string{"", "{", `{"a":}`, `{"a":1} {}`, `{1:2}`, string(deep), "nul"} {
		if _, err := ReencodePHP([]byte(in)); err == nil {
			t.Errorf("%.20q: want an error", in)
		}
	}
}

// Re-encoding never panics, and what it produces is a fixed point.
func FuzzReencodePHP(f *testing.F) {
	for _, s := range []string{`{"a":"\/é"}`, `[1,2,{"x":null}]`, `"\ud83d\ude00"`, `{"a":[{}]}`, `12.50`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := ReencodePHP(in)
		if err != nil {
			return
		}
		again, err := ReencodePHP(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not a fixed point: %q → %q → %q (%v)", in, out, again, err)
		}
	})
}

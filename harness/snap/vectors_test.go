package snap

import (
	"errors"
	"strings"
	"testing"
)

// Known answers from the protocol fact sheet (§6), computed independently.

func TestBodyHash_KnownAnswers(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"originalPartnerReferenceNo":"2020102900000000000001","serviceCode":"54","merchantId":"23489182303312"}`,
			"d32ffc2bfb94fcc64a6504243cd51e4ffd15a6a9c3683afb7edb230494219d06"},
		// The SDK's trailing newline must not change the hash.
		{"{\"originalPartnerReferenceNo\":\"2020102900000000000001\",\"serviceCode\":\"54\",\"merchantId\":\"23489182303312\"}\n",
			"d32ffc2bfb94fcc64a6504243cd51e4ffd15a6a9c3683afb7edb230494219d06"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	} {
		got, err := BodyHash([]byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("BodyHash(%.30q…) = %s, want %s", tc.body, got, tc.want)
		}
	}
}

func TestMinify_KnownAnswers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"{\"a\":1,\"b\":\"x, y\"}\n", `{"a":1,"b":"x, y"}`},
		// Key order and escapes survive: dana-go sends sorted keys and
		// \u003c escapes, and the hash is over exactly those bytes.
		{"{ \"z\" : \"a\\u0026b\",\n\t\"a\" : 10000.00 }", `{"z":"a\u0026b","a":10000.00}`},
		{"[1, 2,\r\n 3]", `[1,2,3]`},
		{"  \n", ``},
		{`"<x>"`, `"<x>"`},
	} {
		got, err := Minify([]byte(tc.in))
		if err != nil {
			t.Fatalf("Minify(%q): %v", tc.in, err)
		}
		if string(got) != tc.want {
			t.Errorf("Minify(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestMinify_RejectsNonJSON(t *testing.T) {
	for _, in := range []string{`{"a":`, `{"a":1} {"b":2}`, "\u00a0", "\ufeff{}", `{a:1}`, `'x'`} {
		if out, err := Minify([]byte(in)); err == nil {
			t.Errorf("Minify(%q) = %q, want an error", in, out)
		}
	}
}

func TestSymmetricAndTokenStringToSign_Layout(t *testing.T) {
	got, err := SymmetricStringToSign("post", "/v1.0/debit/payment-host-to-host", "tok123", []byte("{\"a\":1}\n"), "2026-11-21T10:20:00+07:00")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := BodyHash([]byte(`{"a":1}`))
	if want := "POST:/v1.0/debit/payment-host-to-host:tok123:" + h + ":2026-11-21T10:20:00+07:00"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := TokenStringToSign("client-1", "2026-11-21T10:20:00+07:00"); got != "client-1|2026-11-21T10:20:00+07:00" {
		t.Errorf("token string-to-sign %q", got)
	}
	if _, err := AsymmetricStringToSign("POST", "/x", []byte("{"), "ts"); err == nil {
		t.Error("invalid body produced a string-to-sign")
	}
}

func TestRSA_RoundTripAndTamper(t *testing.T) {
	key := testKey()
	sig, err := SignRSA(key, crossMsg)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyRSA(&key.PublicKey, crossMsg, sig); err != nil {
		t.Fatalf("own signature rejected: %v", err)
	}
	flipped := []byte(sig)
	flipped[10] ^= 0x01
	other, _ := SignRSA(key, crossMsg+"x")
	for name, tc := range map[string]struct{ msg, sig string }{
		"message changed":    {strings.Replace(crossMsg, "POST", "GET", 1), sig},
		"signature bit flip": {crossMsg, string(flipped)},
		"other message sig":  {crossMsg, other},
		"not base64":         {crossMsg, "abcde"},
		"empty":              {crossMsg, ""},
		"url-safe base64":    {crossMsg, strings.NewReplacer("+", "-", "/", "_").Replace(sig) + "-_"},
	} {
		if err := VerifyRSA(&key.PublicKey, tc.msg, tc.sig); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: err = %v, want ErrBadSignature", name, err)
		}
	}
	if err := VerifyRSA(nil, crossMsg, sig); err == nil {
		t.Error("nil public key verified")
	}
	if _, err := SignRSA(nil, crossMsg); err == nil {
		t.Error("nil private key signed")
	}
}

func TestHMAC_TamperVariants(t *testing.T) {
	sig := SignHMAC("secret", "msg")
	for name, tc := range map[string]struct{ secret, msg, sig string }{
		"wrong secret": {"Secret", "msg", sig},
		"not base64":   {"secret", "msg", "%%%"},
		"truncated":    {"secret", "msg", sig[:len(sig)-4]},
	} {
		if err := VerifyHMAC(tc.secret, tc.msg, tc.sig); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: err = %v, want ErrBadSignature", name, err)
		}
	}
}

package snap

import (
	"errors"
	"testing"
	"time"
)

func TestAsymmetricStringToSign_KnownAnswer(t *testing.T) {
	body := []byte(`{"originalPartnerReferenceNo":"2020102900000000000001","serviceCode":"54","merchantId":"23489182303312"}`)
	got, err := AsymmetricStringToSign("post", "/payment-gateway/v1.0/debit/status.htm", body, "2020-12-23T08:31:11+07:00")
	if err != nil {
		t.Fatal(err)
	}
	want := "POST:/payment-gateway/v1.0/debit/status.htm:d32ffc2bfb94fcc64a6504243cd51e4ffd15a6a9c3683afb7edb230494219d06:2020-12-23T08:31:11+07:00"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestMinify_KeepsOrderAndEscapes(t *testing.T) {
	got, err := Minify([]byte("{\"a\":1,\n \"b\":\"x, y\", \"c\":\"\\u003c\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":1,"b":"x, y","c":"\u003c"}`; string(got) != want {
		t.Fatalf("got %s want %s", got, want)
	}
	if _, err := Minify([]byte(`{"a":`)); err == nil {
		t.Fatal("invalid JSON minified without error")
	}
}

func TestParseTimestamp_MissingVersusMalformed(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"", ErrTimestampMissing},
		{"  ", ErrTimestampMissing},
		{"2026-11-21T03:20:00Z", ErrTimestampMalformed},
		{"2026-11-21 10:20:00+07:00", ErrTimestampMalformed},
		{"2026-11-21T10:20:00+08:00", ErrTimestampMalformed},
		{"2026-13-21T10:20:00+07:00", ErrTimestampMalformed},
		{"2026-11-21T10:20:00+07:00", nil},
	} {
		_, err := ParseTimestamp(tc.in)
		if !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
			t.Errorf("ParseTimestamp(%q) = %v, want %v", tc.in, err, tc.want)
		}
	}
}

func TestFormatTimestamp_JakartaFromUTC(t *testing.T) {
	got := FormatTimestamp(time.Date(2026, 11, 21, 3, 20, 0, 0, time.UTC))
	if got != "2026-11-21T10:20:00+07:00" {
		t.Fatalf("got %s", got)
	}
}

func TestHMAC_RoundTripAndTamper(t *testing.T) {
	sig := SignHMAC("secret", "POST:/v1.0/debit/status:tok:abc:ts")
	if err := VerifyHMAC("secret", "POST:/v1.0/debit/status:tok:abc:ts", sig); err != nil {
		t.Fatal(err)
	}
	if err := VerifyHMAC("secret", "POST:/v1.0/debit/status:tok:abd:ts", sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered message verified: %v", err)
	}
}

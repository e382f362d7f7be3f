package main

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/examples/shop"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestParseFlags_FlagsWinOverEnvironment(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want options
	}{
		{"defaults", nil, nil, options{listen: "127.0.0.1:8080"}},
		{"env fallback", nil, map[string]string{"SHOP_GATEWAY_URL": "http://127.0.0.1:9080",
			"SHOP_MERCHANT_ID": "m", "SHOP_FAULT": "over-refund,notify-wrong-ack", "SHOP_DB": "shop.db"},
			options{listen: "127.0.0.1:8080", gatewayURL: "http://127.0.0.1:9080", merchantID: "m", db: "shop.db",
				faults: []string{"over-refund", "notify-wrong-ack"}}},
		{"flags override env", []string{"--listen", "127.0.0.1:0", "--fault", "sign-wrong-path", "--fault=timestamp-utc-z"},
			map[string]string{"SHOP_LISTEN": "0.0.0.0:80", "SHOP_FAULT": "over-refund"},
			options{listen: "127.0.0.1:0", faults: []string{"sign-wrong-path", "timestamp-utc-z"}}},
		{"fault list", []string{"--fault", "list"}, nil, options{listen: "127.0.0.1:8080", listFaults: true}},
		{"queue delay", []string{"--queue-delay", "300ms"}, nil, options{listen: "127.0.0.1:8080", queueDelay: 300 * time.Millisecond}},
		{"queue delay from env", nil, map[string]string{"SHOP_QUEUE_DELAY": "1s"}, options{listen: "127.0.0.1:8080", queueDelay: time.Second}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFlags(tc.args, env(tc.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestRun_FaultListPrintsNameThenDescription(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"--fault", "list"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	faults := shop.Faults()
	if len(lines) != len(faults) {
		t.Fatalf("%d lines, want %d", len(lines), len(faults))
	}
	for i, f := range faults {
		if lines[i] != f.Name+"\t"+f.Description {
			t.Errorf("line %d = %q, want name then description", i, lines[i])
		}
	}
}

func TestRun_RejectsBadStartup(t *testing.T) {
	for _, args := range [][]string{
		{"--gateway-url", "http://127.0.0.1:9080"},                                // no keys
		{"--private-key", "/nonexistent", "--gateway-public-key", "/nonexistent"}, // unreadable keys
		{"extra-argument"},
		{"--no-such-flag"},
		{"--queue-delay", "soon"},
		{"--queue-delay", "-1s"},
	} {
		if err := run(args, env(nil), io.Discard, io.Discard); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}

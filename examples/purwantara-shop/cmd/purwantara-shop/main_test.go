package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestRun_ListsFaults(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"--fault", "list"}, func(string) string { return "" }, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"webhook-no-verify", "verify-reencoded-json", "double-fulfil-on-redelivery", "expired-as-paid"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("fault list lacks %s:\n%s", want, out.String())
		}
	}
}

func TestParseFlags_FallsBackToEnvironment(t *testing.T) {
	env := map[string]string{"PPNSHOP_API_TOKEN": "tok", "PPNSHOP_WEBHOOK_SECRET": "sec", "PPNSHOP_FAULT": "a,b"}
	o, err := parseFlags([]string{"--gateway-url", "http://g"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.token != "tok" || o.secret != "sec" || o.gatewayURL != "http://g" || len(o.faults) != 2 {
		t.Errorf("options %+v", o)
	}
}

func TestRun_RefusesAnIncompleteConfig(t *testing.T) {
	err := run([]string{"--listen", "127.0.0.1:0"}, func(string) string { return "" }, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "API token") {
		t.Errorf("err = %v", err)
	}
}

func TestParseFlags_QueueDelay(t *testing.T) {
	none := func(string) string { return "" }
	o, err := parseFlags([]string{"--queue-delay", "300ms"}, none, &bytes.Buffer{})
	if err != nil || o.queueDelay != 300*time.Millisecond {
		t.Errorf("--queue-delay 300ms: %+v, %v", o, err)
	}
	for _, bad := range []string{"soon", "-1s"} {
		if _, err := parseFlags([]string{"--queue-delay", bad}, none, &bytes.Buffer{}); err == nil {
			t.Errorf("--queue-delay %s accepted", bad)
		}
	}
}

package merchant

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/evidence"
)

func TestDo_Commands(t *testing.T) {
	vars := map[string]any{"order": "INV 42", "amount": "15000.00"}
	for _, tc := range []struct {
		name       string
		action     config.Action
		maxBody    int64
		wantErr    error
		wantExit   int
		wantStatus int
		check      func(t *testing.T, res Result, err error)
	}{
		{name: "argv templated without a shell, stdout captured",
			action: config.Action{Command: helperCommand("echo", "refund", "{{.order}}", "$(rm -rf /)"),
				Capture: map[string]string{"order": "order.id", "first": "args.1"}},
			wantStatus: StatusAnswered,
			check: func(t *testing.T, res Result, err error) {
				want := map[string]string{"order": "ORD-1", "first": "INV 42"}
				if !reflect.DeepEqual(res.Captures, want) {
					t.Errorf("captures %v, want %v", res.Captures, want)
				}
				if args := res.JSON.(map[string]any)["args"].([]any); args[2] != "$(rm -rf /)" {
					t.Errorf("argument changed on the way: %v", args)
				}
				if !strings.Contains(res.Exchange.Request.URL, "'INV 42'") || res.Exchange.Request.Method != "EXEC" {
					t.Errorf("recorded request %+v", res.Exchange.Request)
				}
			}},
		{name: "exit 1 is a refusal: a 4xx answer whose stdout is the body",
			action:   config.Action{Command: helperCommand("refuse", "{{.amount}}"), Capture: map[string]string{"why": "error"}},
			wantExit: 1, wantStatus: StatusRefused,
			check: func(t *testing.T, res Result, err error) {
				if res.Captures["why"] != "amount 15000.00 exceeds what was paid" {
					t.Errorf("captures %v: a refusal's stdout is its answer body", res.Captures)
				}
				if !containsNote(res.Exchange, "exit status 1: the merchant refused, judged as a 422 answer") || res.Exchange.Response.Status != StatusRefused {
					t.Errorf("notes %q status %d", res.Exchange.Notes, res.Exchange.Response.Status)
				}
			}},
		{name: "exit 1 without the captured field is a refusal that lacks it, as an HTTP 4xx",
			action:   config.Action{Command: helperCommand("refuse", "1"), Capture: map[string]string{"order": "order.id"}},
			wantErr:  ErrCapture,
			wantExit: 1, wantStatus: StatusRefused},
		{name: "another non-zero exit is no answer: it keeps the code and stderr",
			action:  config.Action{Command: helperCommand("fail", "{{.amount}}")},
			wantErr: ErrCommandFailed, wantExit: 3,
			check: func(t *testing.T, res Result, err error) {
				if !strings.Contains(err.Error(), "status 3, which is no answer") || !strings.Contains(err.Error(), "refund rejected: 15000.00") {
					t.Errorf("error %q lacks the status or stderr", err)
				}
				if !containsNote(res.Exchange, "stderr: refund rejected: 15000.00") || !containsNote(res.Exchange, "exit status 3") {
					t.Errorf("notes %q", res.Exchange.Notes)
				}
			}},
		{name: "non-JSON stdout with captures",
			action:  config.Action{Command: helperCommand("text"), Capture: map[string]string{"o": "order"}},
			wantErr: ErrNotJSON, wantStatus: StatusAnswered,
			check: func(t *testing.T, res Result, err error) {
				if !strings.Contains(err.Error(), "OK, done") {
					t.Errorf("error %q does not show stdout", err)
				}
			}},
		{name: "non-JSON stdout without captures is fine",
			action: config.Action{Command: helperCommand("text")}, wantStatus: StatusAnswered,
			check: func(t *testing.T, res Result, err error) {
				if res.JSON != nil || strings.TrimSpace(string(res.Body)) != "OK, done" {
					t.Errorf("body %q JSON %v", res.Body, res.JSON)
				}
			}},
		{name: "oversize stdout", maxBody: 64,
			action:  config.Action{Command: helperCommand("big", "5000")},
			wantErr: ErrTooLarge, wantStatus: StatusAnswered,
			check: func(t *testing.T, res Result, err error) {
				if len(res.Body) != 64 || !res.Exchange.Response.Truncated {
					t.Errorf("body %d bytes, truncated %v", len(res.Body), res.Exchange.Response.Truncated)
				}
			}},
		{name: "hanging command times out",
			action:  config.Action{Command: helperCommand("block"), Timeout: config.Duration(50 * time.Millisecond)},
			wantErr: ErrTimeout, wantExit: -1},
		{name: "missing program is unreachable",
			action:  config.Action{Command: []string{"/nonexistent/uatrun-shop-cli", "status"}},
			wantErr: ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDriver(t, "", map[string]config.Action{"cmd": tc.action}, Options{MaxBody: tc.maxBody})
			res, err := d.Do(context.Background(), "cmd", vars)
			if tc.wantErr == nil && err != nil {
				t.Fatalf("Do: %v", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if res.ExitCode != tc.wantExit || res.Status != tc.wantStatus {
				t.Errorf("exit code %d status %d, want exit %d status %d", res.ExitCode, res.Status, tc.wantExit, tc.wantStatus)
			}
			if res.Exchange.Kind != evidence.KindAction || (err != nil) != (res.Exchange.Error != "") {
				t.Errorf("exchange kind %q error %q", res.Exchange.Kind, res.Exchange.Error)
			}
			if tc.check != nil {
				tc.check(t, res, err)
			}
		})
	}
}

func containsNote(ex evidence.Exchange, s string) bool {
	for _, n := range ex.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

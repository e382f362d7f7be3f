package merchant

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/config"
)

// An app that answers HTTP 200 {"success": false} for a refused request is
// read through the action's refused_when, so scenarios judge it as the
// refusal it is; the exchange keeps what the app really answered.
func TestDo_RefusedWhenReadsA200AnswerAsARefusal(t *testing.T) {
	laravel := map[string]string{"success": "false"}
	for _, tc := range []struct {
		name       string
		status     int
		body       string
		when       map[string]string
		wantStatus int
		wantErr    error
	}{
		{"success false is a refusal", 200, `{"success": false, "message": "Order not paid"}`, laravel, StatusRefused, nil},
		{"success true is an answer", 200, `{"success": true, "order_id": "A1"}`, laravel, 200, nil},
		{"no success field is an answer", 200, `{"order_id": "A1"}`, laravel, 200, nil},
		{"a 5xx stays what it is", 500, `{"success": false}`, laravel, 500, nil},
		{"an answer that is not JSON is never a refusal", 200, `<html>ok</html>`, laravel, 200, nil},
		{"every field must hold", 201, `{"success": false, "code": "E42"}`, map[string]string{"success": "false", "code": "~^E"}, StatusRefused, nil},
		{"one field that does not hold keeps the answer", 201, `{"success": false, "code": "OK"}`, map[string]string{"success": "false", "code": "~^E"}, 201, nil},
		{"a refusal without the captured field lacks it, as a 4xx would", 200, `{"success": false}`, laravel, StatusRefused, ErrCapture},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newFakeMerchant(t, jsonAnswer(tc.status, tc.body))
			a := config.Action{Method: "POST", Path: "/refund", RefusedWhen: tc.when}
			if tc.wantErr != nil {
				a.Capture = map[string]string{"refund": "refund_id"}
			}
			d := newDriver(t, m.URL, map[string]config.Action{"refund": a}, Options{})
			res, err := d.Do(context.Background(), "refund", nil)
			if (tc.wantErr == nil && err != nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if res.Status != tc.wantStatus {
				t.Errorf("status %d, want %d", res.Status, tc.wantStatus)
			}
			if res.Exchange.Response.Status != tc.status {
				t.Errorf("the exchange records %d, want what the app answered (%d)", res.Exchange.Response.Status, tc.status)
			}
			noted := containsNote(res.Exchange, "refused_when holds")
			if noted != (tc.wantStatus == StatusRefused) {
				t.Errorf("notes %q: a refusal read from the answer must say so, and only then", res.Exchange.Notes)
			}
		})
	}
}

func TestDo_RefusedWhenAppliesToCommandsToo(t *testing.T) {
	d := newDriver(t, "", map[string]config.Action{"refund": {
		Command:     helperCommand("echo", "x"),
		RefusedWhen: map[string]string{"order.id": "ORD-1"},
	}}, Options{})
	res, err := d.Do(context.Background(), "refund", nil)
	if err != nil || res.Status != StatusRefused || res.ExitCode != 0 {
		t.Fatalf("status %d exit %d err %v: an exit-0 answer that refused_when matches is a refusal", res.Status, res.ExitCode, err)
	}
	if !containsNote(res.Exchange, "ORD-1") || !strings.Contains(strings.Join(res.Exchange.Notes, "\n"), "exit status 0") {
		t.Errorf("notes %q", res.Exchange.Notes)
	}
}

package emulator

import (
	"errors"
	"testing"
)

var testActions = ActionSet{Gateway: "gw-test", Prefix: "gw", Names: []string{"pay", "expire", "respond_next"},
	Params: map[string][]string{"pay": {"notify"}, "expire": nil, "respond_next": {"api", "count"}}}

func TestActionSet_CheckTeachesWhatIsValid(t *testing.T) {
	cases := []struct {
		a   Action
		err string
	}{
		{Action{Name: "pay", Params: map[string]string{"notify": "drop"}}, ""},
		{Action{Name: "expire"}, ""},
		{Action{Name: "refund"}, `unknown gateway action "refund" for gw-test; valid actions: pay, expire, respond_next`},
		{Action{Name: "pay", Params: map[string]string{"varaint": "x", "copies": "2"}},
			"gw: action pay does not take copies, varaint; it takes: notify"},
		{Action{Name: "expire", Params: map[string]string{"notify": "drop"}}, "gw: action expire does not take notify; it takes: none"},
	}
	for _, c := range cases {
		err := testActions.Check(c.a)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.err {
			t.Errorf("%s %v: %q, want %q", c.a.Name, c.a.Params, got, c.err)
		}
		if c.a.Name == "refund" && !errors.Is(err, ErrUnknownAction) {
			t.Errorf("unknown action does not wrap ErrUnknownAction: %v", err)
		}
	}
}

func TestActionSet_DropAndCount(t *testing.T) {
	for mode, want := range map[string]bool{"": false, "send": false, "drop": true} {
		if drop, err := testActions.Drop(Action{Name: "pay", Params: map[string]string{"notify": mode}}); err != nil || drop != want {
			t.Errorf("notify=%q: drop %v, %v", mode, drop, err)
		}
	}
	if _, err := testActions.Drop(Action{Name: "pay", Params: map[string]string{"notify": "later"}}); err == nil ||
		err.Error() != `gw: pay notify="later": want send (default) or drop` {
		t.Errorf("notify=later: %v", err)
	}
	for in, want := range map[string]int{"": 1, "1": 1, "1000": 1000} {
		if n, err := testActions.Count(map[string]string{"count": in}); err != nil || n != want {
			t.Errorf("count %q: %d, %v", in, n, err)
		}
	}
	for _, in := range []string{"0", "1001", "-1", "two"} {
		if _, err := testActions.Count(map[string]string{"count": in}); err == nil ||
			err.Error() != `gw: respond_next count "`+in+`": want 1 to 1000` {
			t.Errorf("count %q: %v", in, err)
		}
	}
}

func TestDelivered_SummarisesDeliveries(t *testing.T) {
	ds := []Delivery{
		{Status: 200, Acked: true},
		{Status: 500},
		{Error: "dial tcp: connection refused"},
	}
	ds[0].Exchange.ID, ds[1].Exchange.ID, ds[2].Exchange.ID = "x1", "x2", "x3"
	res := Delivered(ds, "sent")
	if res.Detail != "sent" || len(res.Deliveries) != 3 || len(res.Exchanges) != 3 || res.Exchanges[2].ID != "x3" {
		t.Fatalf("result %+v", res)
	}
	if Acked(ds) != 1 {
		t.Fatalf("acked %d", Acked(ds))
	}
	want := []string{"acknowledged (HTTP 200)", "not acknowledged (HTTP 500)", "failed: dial tcp: connection refused"}
	for i, d := range ds {
		if got := Describe(d); got != want[i] {
			t.Errorf("Describe #%d = %q, want %q", i, got, want[i])
		}
	}
	if res := Delivered(nil, "none"); res.Exchanges != nil || res.Deliveries != nil {
		t.Fatalf("empty: %+v", res)
	}
}

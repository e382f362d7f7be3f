package emulator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ActionSet is the control actions an emulator offers, with the params
// each takes. Its errors teach: they list what is valid, so a typo in a
// scenario never passes silently.
type ActionSet struct {
	Gateway string              // the gateway id an unknown action is reported for, e.g. "dana-gapura"
	Prefix  string              // heads every other error, e.g. "dana"
	Names   []string            // every action, in the order help lists them
	Params  map[string][]string // action → the params it takes
}

// Check refuses an action the set does not offer (wrapping
// ErrUnknownAction) and a param the action does not take.
func (s ActionSet) Check(a Action) error {
	allowed, ok := s.Params[a.Name]
	if !ok {
		return fmt.Errorf("%w %q for %s; valid actions: %s",
			ErrUnknownAction, a.Name, s.Gateway, strings.Join(s.Names, ", "))
	}
	var unknown []string
	for k := range a.Params {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	want := "none"
	if len(allowed) > 0 {
		want = strings.Join(allowed, ", ")
	}
	return fmt.Errorf("%s: action %s does not take %s; it takes: %s", s.Prefix, a.Name, strings.Join(unknown, ", "), want)
}

// Drop reads the notify param of a state change: "send" (the default)
// delivers the callback, "drop" changes the state and sends nothing.
func (s ActionSet) Drop(a Action) (bool, error) {
	switch mode := a.Params["notify"]; mode {
	case "", "send":
		return false, nil
	case "drop":
		return true, nil
	default:
		return false, fmt.Errorf("%s: %s notify=%q: want send (default) or drop", s.Prefix, a.Name, mode)
	}
}

// MaxInjected bounds how many calls one respond_next may answer.
const MaxInjected = 1000

// Count reads respond_next's count param: how many calls the injected
// answer is for, 1 when absent.
func (s ActionSet) Count(params map[string]string) (int, error) {
	v := params["count"]
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxInjected {
		return 0, fmt.Errorf("%s: respond_next count %q: want 1 to %d", s.Prefix, v, MaxInjected)
	}
	return n, nil
}

// Delivered is the Result of an action that sent ds: the deliveries and
// their exchanges in order, with detail.
func Delivered(ds []Delivery, detail string) Result {
	res := Result{Deliveries: ds, Detail: detail}
	for _, d := range ds {
		res.Exchanges = append(res.Exchanges, d.Exchange)
	}
	return res
}

// Acked counts the acknowledged deliveries in ds.
func Acked(ds []Delivery) int {
	n := 0
	for _, d := range ds {
		if d.Acked {
			n++
		}
	}
	return n
}

// Describe summarises a delivery in one phrase for a Result's detail.
func Describe(d Delivery) string {
	switch {
	case d.Error != "":
		return "failed: " + d.Error
	case d.Acked:
		return fmt.Sprintf("acknowledged (HTTP %d)", d.Status)
	}
	return fmt.Sprintf("not acknowledged (HTTP %d)", d.Status)
}

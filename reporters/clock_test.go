package reporters

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

// Dates are wall-clock in the gateway's zone with the zone named, however
// they were recorded; virtual time shows only as a labelled offset on the
// scenario's own test clock.
func TestHTML_TimesAreWIBWithTestClockOffsets(t *testing.T) {
	run := fixtureRun()
	utc := func(s evidence.Stamp) evidence.Stamp {
		return evidence.Stamp{Real: s.Real.UTC(), Virtual: s.Virtual.UTC()}
	}
	run.Meta.Started, run.Meta.Finished = utc(run.Meta.Started), utc(run.Meta.Finished)
	sc := &run.Scenarios[0]
	sc.At = utc(sc.At)
	st := &sc.Steps[1]
	st.At = evidence.Stamp{Real: sc.At.Real.Add(time.Second), Virtual: sc.At.Virtual.Add(24*time.Hour + time.Second)}
	page := renderHTMLString(t, run)
	for _, want := range []string{
		"2026-03-02 10:15:00 WIB (UTC&#43;07:00)", // run start, recorded in UTC
		"test clock &#43;24h0m1s",                 // the step's offset on its scenario's clock
		"10:15:00.012 WIB",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, gone := range []string{"virtual clock", "03:15:00", "Started (virtual", "Finished (virtual"} {
		if strings.Contains(page, gone) {
			t.Errorf("page still shows %q", gone)
		}
	}
}

func TestTestClock_IsTheOffsetFromTheScenarioStart(t *testing.T) {
	start := evidence.Stamp{Real: runStart, Virtual: runStart}
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "test clock +0s"},
		{24*time.Hour + time.Second, "test clock +24h0m1s"},
		{2*time.Minute + 15*time.Second + 400*time.Millisecond, "test clock +2m15s"},
	} {
		at := evidence.Stamp{Real: runStart, Virtual: runStart.Add(tc.d)}
		if got := testClock(start, at); got != tc.want {
			t.Errorf("testClock(+%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := testClock(evidence.Stamp{Real: runStart}, evidence.Stamp{Real: runStart}); got != "" {
		t.Errorf("no virtual time: %q, want none", got)
	}
}

// An exchange that got a response and then an error (a body cut off, a
// read timeout) is not "no response".
func TestHTML_ResponseAndErrorIsNotNoResponse(t *testing.T) {
	ex := evidence.Exchange{Label: "order_status", Request: evidence.Message{Method: "GET", URL: "http://127.0.0.1:8080/orders/1"},
		Response: &evidence.Message{Status: 200, Body: `{"status":"pa`}, Error: "read body: unexpected EOF"}
	if got := exchangeTitle(&ex); got != "order_status — GET /orders/1 → 200, then an error" {
		t.Errorf("title %q", got)
	}
	run := fixtureRun()
	run.Scenarios[1].Steps[1].Exchanges = []evidence.Exchange{ex}
	page := renderHTMLString(t, run)
	if strings.Contains(page, "No response:</strong> read body") || !strings.Contains(page, "Error after the response:</strong> read body: unexpected EOF") {
		t.Error("an exchange with a response and an error is shown as having no response")
	}
	noResp := evidence.Exchange{Label: "checkout", Request: ex.Request, Error: "connection refused"}
	if got := exchangeTitle(&noResp); !strings.HasSuffix(got, "→ no response") {
		t.Errorf("title without a response %q", got)
	}
}

func TestHTML_MarksInterruptedAndRerenderedRuns(t *testing.T) {
	run := fixtureRun()
	run.Interrupted = true
	run.Rerendered = &evidence.Rerendered{At: fixedNow(), From: "journal.jsonl", Version: "v0.3.0"}
	page := renderHTMLString(t, run)
	for _, want := range []string{`class="banner interrupted"`, `class="banner rerendered"`, "RE-RENDERED", "rebuilt from <code>journal.jsonl</code>", "The run was interrupted"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if page := renderHTMLString(t, fixtureRun()); strings.Contains(page, "RE-RENDERED") || strings.Contains(page, "INTERRUPTED") {
		t.Error("a run written when it ended is marked re-rendered or interrupted")
	}
}

func TestHTML_SaysWhichTrustCase(t *testing.T) {
	unsigned := fixtureRun()
	if page := renderHTMLString(t, unsigned); !strings.Contains(page, "Self-attestation, unsigned") {
		t.Error("unsigned run not called a self-attestation")
	}
	signed := fixtureRun()
	if err := evidence.Seal(signed, fixtureKey()); err != nil {
		t.Fatal(err)
	}
	id := evidence.KeyID(fixtureKey().Public().(ed25519.PublicKey))
	page := renderHTMLString(t, signed)
	for _, want := range []string{"Signed with key " + id, "uatrun verify --key"} {
		if !strings.Contains(page, want) {
			t.Errorf("signed page lacks %q", want)
		}
	}
}

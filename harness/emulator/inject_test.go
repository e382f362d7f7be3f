package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
)

func TestInjections_HandOutEachAnswerAsManyTimesAsQueued(t *testing.T) {
	var in Injections[string]
	in.Add("create", 2, "500 first")
	in.Add("status", 1, "404")
	in.Add("create", 1, "503 second")
	var got []string
	for range 5 {
		if a, ok := in.Take("create"); ok {
			got = append(got, a)
		}
	}
	if strings.Join(got, ",") != "500 first,500 first,503 second" {
		t.Fatalf("create answers: %q", got)
	}
	if a, ok := in.Take("status"); !ok || a != "404" {
		t.Fatalf("status answer: %q %v", a, ok)
	}
	if a, ok := in.Take("status"); ok || a != "" {
		t.Fatalf("status answered twice: %q", a)
	}
}

func TestInjections_TakeMatchingCoversSeveralAPIs(t *testing.T) {
	var in Injections[int]
	in.Add("create", 1, 401)
	// An injection for "create" answers any channel's create.
	isCreate := func(api string) func(string) bool {
		return func(queued string) bool {
			return queued == api || (queued == "create" && strings.HasPrefix(api, "create_"))
		}
	}
	if _, ok := in.TakeMatching(isCreate("inquiry")); ok {
		t.Fatal("inquiry took the create injection")
	}
	if a, ok := in.TakeMatching(isCreate("create_qris")); !ok || a != 401 {
		t.Fatalf("create_qris: %d %v", a, ok)
	}
}

func TestInjections_ConcurrentTakesNeverShareOneAnswer(t *testing.T) {
	var in Injections[int]
	in.Add("create", 50, 500)
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := in.Take("create"); ok {
				mu.Lock()
				taken++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if taken != 50 {
		t.Fatalf("%d calls got the 50 injected answers", taken)
	}
}

func TestWithForgedSuccess_KeepsTheMerchantsOwnParameters(t *testing.T) {
	got := WithForgedSuccess("https://shop.example/return?order=A-1")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("order") != "A-1" || q.Get("status") != "SUCCESS" || q.Get("resultStatus") != "S" || q.Get("transaction_status") != "settlement" {
		t.Fatalf("forged return URL %s lost the merchant's own parameter or lacks a forged one", got)
	}
	if WithForgedSuccess("::not a url") != "::not a url" {
		t.Fatal("an unparseable target must come back unchanged")
	}
}

func TestFillDefaults_LeavesWhatWasSetAndTiesTheWallToTheClock(t *testing.T) {
	var clk, wall clock.Clock
	var client *http.Client
	var version string
	FillDefaults(&clk, &wall, &client, &version, 8*time.Second)
	if _, ok := clk.(clock.Real); !ok || wall != clk || client.Timeout != 8*time.Second || version != "dev" {
		t.Fatalf("defaults: clock %T, wall %v, timeout %v, version %q", clk, wall, client.Timeout, version)
	}
	fake := clock.NewFake(time.Unix(0, 0))
	clk, wall, client, version = fake, nil, &http.Client{Timeout: time.Second}, "1.2.3"
	FillDefaults(&clk, &wall, &client, &version, 8*time.Second)
	if clk != fake || wall != clock.Clock(fake) || client.Timeout != time.Second || version != "1.2.3" {
		t.Fatal("FillDefaults replaced a value that was set, or did not tie the wall clock to the given clock")
	}
}

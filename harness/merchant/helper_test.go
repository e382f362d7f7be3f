package merchant

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// helperArg is os.Args[1] when the test binary is re-executed as a fake
// merchant command, so command tests need no shell and no external tools.
const helperArg = "merchant-test-helper"

func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == helperArg {
		os.Exit(runHelper(os.Args[2], os.Args[3:]))
	}
	// Race-enabled helpers otherwise linger 1s at exit (atexit_sleep_ms).
	_ = os.Setenv("GORACE", "atexit_sleep_ms=0")
	os.Exit(m.Run())
}

// runHelper is the fake merchant command.
func runHelper(mode string, args []string) int {
	switch mode {
	case "echo": // {"args": [...], "order": {"id": "ORD-1"}}
		_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"args": args, "order": map[string]any{"id": "ORD-1"}})
	case "fail":
		fmt.Fprintln(os.Stderr, "refund rejected: "+strings.Join(args, " "))
		return 3
	case "refuse": // {"error": "amount … exceeds what was paid"}, exit 1
		_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"error": "amount " + strings.Join(args, " ") + " exceeds what was paid"})
		return 1
	case "text":
		fmt.Println("OK, done")
	case "env": // {"env": ["NAME=value", ...]}
		_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"env": os.Environ()})
	case "big":
		n, _ := strconv.Atoi(args[0])
		fmt.Print(strings.Repeat("x", n))
	case "block": // until killed; waits on a signal rather than sleeping
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGUSR1)
		<-c
	}
	return 0
}

// helperCommand is the argv that runs runHelper in a child process.
func helperCommand(mode string, args ...string) []string {
	return append([]string{os.Args[0], helperArg, mode}, args...)
}

// seen is one request as the fake merchant received it.
type seen struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// fakeMerchant records requests and answers with the handler's answer.
type fakeMerchant struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newFakeMerchant(t *testing.T, answer http.HandlerFunc) *fakeMerchant {
	t.Helper()
	f := &fakeMerchant{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)})
		f.mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeMerchant) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

// jsonAnswer answers every request with status and body as JSON.
func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

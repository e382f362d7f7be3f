// Package browsertest drives the emulators' shopper pages in headless
// Chromium for the emulator packages' browser tests: one browser per test,
// a tab per flow with bounded waits, screenshots kept under
// $UATRUN_ARTIFACTS/pages/, and an in-test merchant that receives the
// notify and serves the return URL.
//
// Without Chromium the tests skip, unless UATRUN_REQUIRE_BROWSER=1 (CI)
// makes that a failure.
package browsertest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Viewports the pages are checked at.
const (
	DesktopW, DesktopH = 1280, 900
	PhoneW, PhoneH     = 360, 740
)

// FlowTimeout bounds one flow (a tab) from opening the page to its last check.
const FlowTimeout = 20 * time.Second

// Browser is one headless Chromium shared by a test's flows.
type Browser struct {
	ctx context.Context
}

// findChromium looks for Debian's chromium, skipping (or failing under
// UATRUN_REQUIRE_BROWSER=1) without it.
func findChromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("UATRUN_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not found and UATRUN_REQUIRE_BROWSER=1 (apt-get install -y chromium)")
	}
	t.Skip("chromium not installed; set UATRUN_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// Start launches headless Chromium, offline and free of first-run work; it
// is closed when t ends.
func Start(t *testing.T) *Browser {
	t.Helper()
	bin := findChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	// The first run starts the browser, which lives as long as its context:
	// no timeout on it (chromedp's own launch wait bounds it).
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("start chromium %s: %v", bin, err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return &Browser{ctx: ctx}
}

// Tab opens a new tab at the given viewport whose context ends after
// FlowTimeout or when t ends.
func (b *Browser) Tab(t *testing.T, w, h int) context.Context {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(b.ctx)
	ctx, cancel := context.WithTimeout(tab, FlowTimeout)
	t.Cleanup(func() { cancel(); cancelTab() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), int64(h))); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return ctx
}

// Do runs the steps in the tab, failing t with what step names and the
// page the tab shows.
func Do(t *testing.T, ctx context.Context, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		fail(t, ctx, step, err)
	}
}

// Get runs one action that reads a value, failing t like Do.
func Get[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		fail(t, ctx, step, err)
	}
	return v
}

func fail(t *testing.T, ctx context.Context, step string, err error) {
	t.Helper()
	short, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(short, chromedp.Location())
	body, _ := chromedp.Run(short, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	t.Fatalf("%s: %v\npage %s:\n%s", step, err, loc, trim(body, 1500))
}

// URL is the tab's current address.
func URL(t *testing.T, ctx context.Context) string {
	t.Helper()
	return Get(t, ctx, "read location", chromedp.Location())
}

// WaitURL waits until the tab's address satisfies ok (a navigation after a
// click or an auto-submit) and returns it.
func WaitURL(t *testing.T, ctx context.Context, what string, ok func(string) bool) string {
	t.Helper()
	var u string
	for {
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
			u = loc
			if ok(u) {
				if state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`)); err == nil && state == "complete" {
					return u
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: still at %s: %v", what, u, ctx.Err())
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// Text is the visible text of the page.
func Text(t *testing.T, ctx context.Context) string {
	t.Helper()
	return Get(t, ctx, "read page text", chromedp.Evaluate[string](`document.body.innerText`))
}

// Shot keeps a full-page PNG of the tab as $UATRUN_ARTIFACTS/pages/name.png
// when UATRUN_ARTIFACTS is set.
func Shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("UATRUN_ARTIFACTS")
	if dir == "" {
		return
	}
	dir = filepath.Join(dir, "pages")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A screenshot is kept for people, not judged: a tab caught between
	// two pages (a form just submitted) is tried again, and one that never
	// settles is logged, not failed.
	var png []byte
	var err error
	for try := 0; try < 10; try++ {
		if png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Logf("screenshot %s not kept: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// auditJS reports what keeps a page from being used well: form fields
// without a label, buttons or links a keyboard cannot reach, content wider
// than the viewport, resources from another origin, and no word that this
// is the emulator.
const auditJS = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]),select,textarea')) {
    const labelled = (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!labelled) out.push('field without a label: ' + el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll('button,a[href],[role=button]')) {
    if (el.disabled) continue;
    if (el.tabIndex < 0) out.push('control not reachable by keyboard: ' + el.outerHTML.slice(0, 120));
    if (!(el.innerText || el.getAttribute('aria-label') || el.value || '').trim()) out.push('control without a name: ' + el.outerHTML.slice(0, 120));
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    out.push('page ' + document.documentElement.scrollWidth + 'px wide in a ' + window.innerWidth + 'px viewport');
  for (const el of document.querySelectorAll('[src],link[href]')) {
    const u = new URL(el.getAttribute('src') || el.getAttribute('href'), location.href);
    if (u.origin !== location.origin) out.push('external asset: ' + u.href);
  }
  for (const r of performance.getEntriesByType('resource')) {
    if (new URL(r.name).origin !== location.origin) out.push('external request: ' + r.name);
  }
  if (!/emulator/i.test(document.body.innerText)) out.push('page does not say it is the emulator');
  if (!document.title.trim()) out.push('page without a title');
  return out;
})()`

// Audit fails t for each way the page in the tab falls short of auditJS.
func Audit(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	problems := Get(t, ctx, "audit "+page, chromedp.Evaluate[[]string](auditJS))
	for _, p := range problems {
		t.Errorf("%s: %s", page, p)
	}
}

// CheckPage audits the page at a phone width and at a desktop width,
// screenshotting both as name-phone.png and name-desktop.png; it leaves the
// tab at the desktop width.
func CheckPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, vp := range []struct {
		suffix string
		w, h   int
	}{{"phone", PhoneW, PhoneH}, {"desktop", DesktopW, DesktopH}} {
		Do(t, ctx, "viewport "+vp.suffix, chromedp.EmulateViewport(int64(vp.w), int64(vp.h)))
		Audit(t, ctx, name+" at "+vp.suffix+" width")
		Shot(t, ctx, name+"-"+vp.suffix)
	}
}

// Tabbable reports whether pressing Tab from the top of the page focuses
// the element sel (a CSS selector) within 40 presses.
func Tabbable(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	Get(t, ctx, "blur", chromedp.Evaluate[any](`document.activeElement && document.activeElement.blur(), null`))
	check := fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, sel)
	for range 40 {
		Do(t, ctx, "press Tab", chromedp.KeyEvent("\t"))
		if Get(t, ctx, "focus of "+sel, chromedp.Evaluate[bool](check)) {
			return true
		}
	}
	return false
}

// Call is one request the merchant received.
type Call struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// Merchant is the in-test merchant: it records every notify (any POST)
// and answers it with Ack, and serves GET /return… as the page the shopper
// lands on.
type Merchant struct {
	*httptest.Server
	// Ack answers a notify; nil answers 200 with an empty JSON object.
	Ack func(c Call) (status int, contentType string, body []byte)

	mu      sync.Mutex
	posts   []Call
	returns []Call
	notify  chan struct{}
}

// NewMerchant starts a merchant closed when t ends.
func NewMerchant(t *testing.T, ack func(c Call) (int, string, []byte)) *Merchant {
	m := &Merchant{Ack: ack, notify: make(chan struct{}, 64)}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.Close)
	return m
}

func (m *Merchant) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	c := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	if r.Method == http.MethodPost {
		m.mu.Lock()
		m.posts = append(m.posts, c)
		m.mu.Unlock()
		select {
		case m.notify <- struct{}{}:
		default:
		}
		status, ct, out := http.StatusOK, "application/json", []byte("{}")
		if m.Ack != nil {
			status, ct, out = m.Ack(c)
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = w.Write(out)
		return
	}
	m.mu.Lock()
	m.returns = append(m.returns, c)
	m.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Merchant</title></head><body><h1>Merchant return page</h1></body></html>`)
}

// Notifies are the POSTs received so far.
func (m *Merchant) Notifies() []Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Call(nil), m.posts...)
}

// Returns are the GETs received so far (the shopper's browser landing).
func (m *Merchant) Returns() []Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Call(nil), m.returns...)
}

// WaitNotifies waits until n notifies arrived, up to d, and returns them.
func (m *Merchant) WaitNotifies(t *testing.T, n int, d time.Duration) []Call {
	t.Helper()
	deadline := time.After(d)
	for {
		if got := m.Notifies(); len(got) >= n {
			return got
		}
		select {
		case <-m.notify:
		case <-deadline:
			t.Fatalf("merchant received %d notifies, want %d", len(m.Notifies()), n)
		}
	}
}

// LandedOn reports whether u is this merchant's path p (the query is not compared).
func (m *Merchant) LandedOn(u, p string) bool {
	return strings.HasPrefix(u, m.URL+p) && (len(u) == len(m.URL+p) || strings.ContainsAny(u[len(m.URL+p):len(m.URL+p)+1], "?#"))
}

var space = regexp.MustCompile(`\s+`)

func trim(s string, n int) string {
	s = space.ReplaceAllString(s, " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

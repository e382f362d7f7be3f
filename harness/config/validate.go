package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/uatrun/uatrun/harness/scenario"
	"github.com/uatrun/uatrun/harness/suggest"
)

// validate checks the rules that span more than one value. It runs after
// defaults, so an omitted setting is checked as its default.
func (d *decoder) validate(c *Config, root *yaml.Node) {
	if c.Version != DefaultVersion {
		d.errorf(d.at("version", root), "write version: 1", "unsupported config version %d", c.Version)
	}
	d.checkMerchant(&c.Merchant, root)
	d.checkGateway(&c.Gateway, root)
	c.Emulator.Listen = d.checkListen(c.Emulator.Listen, "emulator.listen", root)
	c.Receiver.Listen = d.checkListen(c.Receiver.Listen, "receiver.listen", root)
	if a := c.Emulator.Listen; a == c.Receiver.Listen && !strings.HasSuffix(a, ":0") {
		d.errorf(d.at("receiver.listen", root), "give the receiver its own port, e.g. 127.0.0.1:9081", "emulator.listen and receiver.listen are both %s", a)
	}
	d.oneOf(c.Report.Formats, Formats(), "report.formats", root)
	c.Report.Formats = dedupe(c.Report.Formats)
	d.checkRun(&c.Run, root)
}

// checkRun puts a ceiling on the waits (negative ones are refused when
// decoding), so a typo cannot make a run poll for hours.
func (d *decoder) checkRun(r *Run, root *yaml.Node) {
	for _, w := range []struct {
		path    string
		v       Duration
		example string
	}{
		{"run.step_timeout", r.StepTimeout, "15s"},
		{"run.settle", r.Settle, "5s"},
		{"run.wait", r.Wait, "5s"},
		{"run.hold", *r.Hold, "500ms"},
	} {
		if w.v.D() > MaxWait {
			d.errorf(d.at(w.path, root), "write at most "+MaxWait.String()+", e.g. "+w.example, "%s %s is longer than the %s ceiling", w.path, w.v.D(), MaxWait)
		}
	}
	if r.Parallel < 0 || r.Parallel > MaxParallel {
		d.errorf(d.at("run.parallel", root), fmt.Sprintf("write a number from 1 to %d, e.g. 8 (1 runs scenarios one by one)", MaxParallel),
			"run.parallel %d is out of range", r.Parallel)
	}
}

// at returns the node to blame for path: its value when written, else the
// nearest enclosing key that was, else the document root.
func (d *decoder) at(path string, root *yaml.Node) *yaml.Node {
	if n := d.vals[path]; n != nil {
		return n
	}
	for p := path; p != ""; {
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
		if n := d.keys[p]; n != nil {
			return n
		}
	}
	return root
}

// hasErrorAt reports whether n was already blamed, so a value that
// failed to decode is not reported again for being empty.
func (d *decoder) hasErrorAt(n *yaml.Node) bool {
	return d.blamed[[2]int{n.Line, n.Column}]
}

// keyAt is like at but prefers the key, for problems with a whole entry.
func (d *decoder) keyAt(path string, root *yaml.Node) *yaml.Node {
	if n := d.keys[path]; n != nil {
		return n
	}
	return d.at(path, root)
}

func (d *decoder) checkMerchant(m *Merchant, root *yaml.Node) {
	needBase := false
	for _, name := range sortedKeys(m.Actions) {
		a := m.Actions[name]
		d.checkAction(name, a, root)
		needBase = needBase || (a.Path != "" && !looksAbsolute(a.Path))
	}
	switch {
	case m.BaseURL != "":
		d.checkBaseURL(m.BaseURL, root)
	case needBase && !d.misspelt["merchant.base_url"]:
		d.errorf(d.at("merchant.base_url", root), "add base_url: http://127.0.0.1:8080 (where your app listens) under merchant:",
			"merchant.base_url is missing, and HTTP actions need it")
	}
	d.checkStatuses(m.Statuses, root)
}

func looksAbsolute(p string) bool {
	return strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://")
}

func (d *decoder) checkBaseURL(s string, root *yaml.Node) {
	u, err := url.Parse(s)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.RawQuery == "" && u.Fragment == "" {
		return
	}
	d.errorf(d.at("merchant.base_url", root), "write an absolute http(s) URL without query, e.g. http://127.0.0.1:8080 or https://shop.test/api",
		"merchant.base_url %q is not an absolute http(s) URL", clip(s))
}

// checkAction mirrors the merchant driver's rules with positions, so a
// broken action is reported before anything runs.
func (d *decoder) checkAction(name string, a Action, root *yaml.Node) {
	path := "merchant.actions." + name
	key := d.keyAt(path, root)
	http := a.Method != "" || len(a.Headers) > 0 || len(a.Query) > 0 || a.JSON != nil || len(a.Form) > 0
	switch {
	case a.Path == "" && len(a.Command) == 0:
		d.errorf(key, "add path: /checkout (an HTTP request to your app) or command: [./bin/checkout] (a program that prints JSON)",
			"action %q has neither path nor command", name)
	case a.Path != "" && len(a.Command) > 0:
		d.errorf(key, "keep one: path for an HTTP request, command for a program", "action %q has both path and command", name)
	case len(a.Command) > 0 && http:
		d.errorf(key, "a command gets its input as templated arguments; drop method, headers, query, json and form",
			"action %q is a command but also sets HTTP fields", name)
	case a.JSON != nil && len(a.Form) > 0:
		d.errorf(key, "keep one body: json or form", "action %q has both json and form bodies", name)
	}
	if len(a.Env) > 0 && len(a.Command) == 0 {
		d.errorf(d.at(path+".env", root), "drop env: an HTTP action sends no environment; env names what a command action receives",
			"action %q: env is for command actions", name)
	}
	for i, v := range a.Env {
		if !validName(v) || v == "PATH" {
			d.errorf(d.at(fmt.Sprintf("%s.env[%d]", path, i), root), "write the names of the variables the command needs, e.g. env: [HOME, SHOP_DB_URL] (PATH is always passed)",
				"action %q: env[%d] %q is not an environment variable name", name, i, clip(v))
		}
	}
	if len(a.Command) > 0 && strings.TrimSpace(a.Command[0]) == "" {
		d.errorf(d.at(path+".command", root), "put the program first: command: [./bin/checkout, \"{{.amount}}\"]", "action %q: command[0] (the program) is empty", name)
	}
	if m := a.Method; m != "" && strings.Trim(strings.ToUpper(m), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		d.errorf(d.at(path+".method", root), "write GET, POST, PUT, PATCH or DELETE", "action %q: method %q is not an HTTP method", name, clip(m))
	}
	for v, p := range a.Capture {
		if strings.TrimSpace(p) == "" {
			d.errorf(d.at(path+".capture."+v, root), "write a gjson path into the JSON answer, e.g. order: order_id or order: data.id",
				"action %q: capture %q has an empty path", name, v)
		}
	}
	d.checkRefusedWhen(name, a.RefusedWhen, root)
}

// checkRefusedWhen refuses conditions that could never be read right: an
// empty path or matcher, or a regular expression that does not compile.
func (d *decoder) checkRefusedWhen(name string, when map[string]string, root *yaml.Node) {
	path := "merchant.actions." + name + ".refused_when"
	if n := d.vals[path]; n != nil && len(when) == 0 && !d.hasErrorAt(n) {
		d.errorf(n, "write the answer fields that mean a refusal, e.g. refused_when: {success: false}, or drop refused_when",
			"action %q: refused_when names no field", name)
	}
	for _, p := range sortedKeys(when) {
		m := when[p]
		at := d.at(path+"."+p, root)
		switch {
		case strings.TrimSpace(p) == "":
			d.errorf(d.keyAt(path+"."+p, root), "write a gjson path into the JSON answer, e.g. success or data.status",
				"action %q: refused_when has an empty path", name)
		case m == "":
			d.errorf(at, "write the value that means a refusal, e.g. success: false or status: \"~^(error|failed)$\"",
				"action %q: refused_when.%s has no value", name, p)
		default:
			if err := scenario.CheckMatcher(m); err != nil {
				d.errorf(at, "matchers: a value, !value, ~regexp, present, absent", "action %q: refused_when.%s: %v", name, p, err)
			}
		}
	}
}

// checkStatuses refuses keys that are not canonical states: a typo such
// as CANCELED would otherwise leave CANCELLED silently at its default.
func (d *decoder) checkStatuses(st map[string]Words, root *yaml.Node) {
	canon := CanonicalStatuses()
	for _, k := range sortedKeys(st) {
		if slices.Contains(canon, k) {
			continue
		}
		fix := suggest.DidYouMean(k, canon)
		if fix == "" {
			fix = "the states are " + strings.Join(canon, ", ")
		}
		d.errorf(d.keyAt("merchant.statuses."+k, root), fix, "unknown status %q in merchant.statuses", k)
	}
}

func (d *decoder) checkGateway(g *Gateway, root *yaml.Node) {
	d.oneOf([]string{g.Name}, Gateways(), "gateway.name", root)
	d.oneOf([]string{g.ExternalIDReuse}, ExternalIDReuseModes(), "gateway.external_id_reuse", root)
	for i, r := range g.NotifyRetry {
		n := d.at(fmt.Sprintf("gateway.notify_retry[%d]", i), root)
		if r <= 0 && !d.hasErrorAt(n) {
			d.errorf(n, "write a positive delay such as 1m", "gateway.notify_retry[%d] is not a positive delay", i)
		}
	}
	if g.Name != DefaultGateway {
		return
	}
	// DANA signs both ways with RSA: without these keys nothing verifies.
	for _, k := range []struct{ field, value, file string }{
		{"merchant_public_key", g.MerchantPublicKey, "merchant.pub.pem"},
		{"gateway_private_key", g.GatewayPrivateKey, "gateway.pem"},
	} {
		if k.value == "" && !d.misspelt["gateway."+k.field] {
			d.errorf(d.at("gateway."+k.field, root), fmt.Sprintf("run uatrun keys --out keys and set %s: keys/%s under gateway:", k.field, k.file),
				"gateway.%s is missing; %s needs it", k.field, g.Name)
		}
	}
}

// oneOf checks that every value is in allowed, suggesting the nearest.
func (d *decoder) oneOf(values, allowed []string, path string, root *yaml.Node) {
	for i, v := range values {
		if slices.Contains(allowed, v) {
			continue
		}
		p := path
		if _, isList := d.vals[path]; isList && d.vals[path].Kind == yaml.SequenceNode {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		fix := suggest.DidYouMean(v, allowed)
		if fix == "" {
			fix = "choose one of " + strings.Join(allowed, ", ")
		}
		d.errorf(d.at(p, root), fix, "%s: unknown value %q", path, clip(v))
	}
}

// checkListen checks host:port and fills an empty host with the loopback
// address: binding every interface must be asked for (0.0.0.0), never a
// side effect of writing ":9080".
func (d *decoder) checkListen(addr, path string, root *yaml.Node) string {
	host, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 0 || n > 65535 {
		d.errorf(d.at(path, root), "write host:port, e.g. 127.0.0.1:9080 (or 127.0.0.1:0 for any free port)",
			"%s %q is not a host:port address", path, clip(addr))
		return addr
	}
	if host == "" {
		host = LoopbackHost
	}
	return net.JoinHostPort(host, port)
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

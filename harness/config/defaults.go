package config

import (
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/gateway"
)

// Defaults for everything optional in the config file.
const (
	DefaultVersion         = 1
	DefaultGateway         = gateway.Default
	DefaultMerchantTimeout = 10 * time.Second
	DefaultListen          = "127.0.0.1:0"
	DefaultMaxBody         = 1 << 20 // bytes
	DefaultStepTimeout     = 15 * time.Second
	DefaultSettle          = 5 * time.Second
	DefaultWait            = 5 * time.Second
	DefaultHold            = 500 * time.Millisecond
	// MaxWait is the ceiling of every wait a config or scenario may ask
	// for (settle, hold, within, step_timeout): longer is a typo.
	MaxWait                = 10 * time.Minute
	DefaultReportDir       = "uat-evidence"
	DefaultExternalIDReuse = "record"
	// LoopbackHost is the host a listen address without one binds to.
	LoopbackHost = "127.0.0.1"
	// MaxFileSize bounds the config file: real ones are a few KiB.
	MaxFileSize = 1 << 20
)

// DefaultNotifyRetry is the notify retry schedule on the virtual clock
// when gateway.notify_retry is left out: the named gateway's own, from its
// registry entry (nil for a gateway uatrun does not know, which validation
// reports). The registry mirrors each emulator package's default
// (TestDefaultNotifyRetry_IsTheEmulators keeps them equal), so `uatrun
// run` and `uatrun emulate` retry the way the emulator does on its own.
func DefaultNotifyRetry(name string) []Duration {
	var out []Duration
	for _, d := range gateway.Retry(name) {
		out = append(out, Duration(d))
	}
	return out
}

// Gateways lists the gateway names the config accepts: the registry's.
func Gateways() []string { return gateway.IDs() }

// Formats lists the report formats, which are also the default.
func Formats() []string { return []string{"html", "json", "junit", "markdown"} }

// ExternalIDReuseModes lists the values gateway.external_id_reuse takes.
func ExternalIDReuseModes() []string { return []string{"record", "reject"} }

// CanonicalStatuses lists uatrun's order states, the keys of
// merchant.statuses.
func CanonicalStatuses() []string {
	return []string{"PAID", "PENDING", "CANCELLED", "REFUNDED", "PARTIALLY_REFUNDED", "EXPIRED", "FAILED"}
}

// DefaultStatuses maps each canonical state to its lower-case spelling,
// which is what most merchants' APIs answer.
func DefaultStatuses() map[string]Words {
	m := make(map[string]Words)
	for _, s := range CanonicalStatuses() {
		m[s] = Words{strings.ToLower(s)}
	}
	return m
}

// applyDefaults fills every optional setting left empty.
func applyDefaults(c *Config) {
	if c.Version == 0 {
		c.Version = DefaultVersion
	}
	defaultMerchant(&c.Merchant)
	g := &c.Gateway
	g.Name = or(g.Name, DefaultGateway)
	g.ExternalIDReuse = or(g.ExternalIDReuse, DefaultExternalIDReuse)
	if len(g.NotifyRetry) == 0 {
		g.NotifyRetry = DefaultNotifyRetry(g.Name)
	}
	c.Emulator.Listen = or(c.Emulator.Listen, DefaultListen)
	c.Receiver.Listen = or(c.Receiver.Listen, DefaultListen)
	if c.Receiver.MaxBody == 0 {
		c.Receiver.MaxBody = DefaultMaxBody
	}
	if c.Run.StepTimeout == 0 {
		c.Run.StepTimeout = Duration(DefaultStepTimeout)
	}
	if c.Run.Settle == 0 {
		c.Run.Settle = Duration(DefaultSettle)
	}
	if c.Run.Wait == 0 {
		c.Run.Wait = Duration(DefaultWait)
	}
	if c.Run.Hold == nil {
		h := Duration(DefaultHold)
		c.Run.Hold = &h
	}
	c.Report.Dir = or(c.Report.Dir, DefaultReportDir)
	if len(c.Report.Formats) == 0 {
		c.Report.Formats = Formats()
	}
}

func defaultMerchant(m *Merchant) {
	if m.Timeout == 0 {
		m.Timeout = Duration(DefaultMerchantTimeout)
	}
	if m.Statuses == nil {
		m.Statuses = map[string]Words{}
	}
	for k, v := range DefaultStatuses() {
		if len(m.Statuses[k]) == 0 {
			m.Statuses[k] = v
		}
	}
	for name, a := range m.Actions {
		if a.Timeout == 0 {
			a.Timeout = m.Timeout
		}
		if a.Path != "" {
			a.Method = strings.ToUpper(a.Method)
			if a.Method == "" {
				a.Method = "GET"
				if a.JSON != nil || len(a.Form) > 0 {
					a.Method = "POST"
				}
			}
		}
		m.Actions[name] = a
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

package config

import "time"

// Config is a validated uatrun config file, with defaults filled in and
// ${ENV} references expanded. After Load its paths are absolute (resolved
// against the config file's directory); Parse leaves them as written.
type Config struct {
	// File is the path the config was loaded from ("" for built-ins).
	File     string   `yaml:"-"`
	Version  int      `yaml:"version"`
	Merchant Merchant `yaml:"merchant"`
	Gateway  Gateway  `yaml:"gateway"`
	Emulator Listen   `yaml:"emulator"`
	Receiver Receiver `yaml:"receiver"`
	Run      Run      `yaml:"run"`
	Report   Report   `yaml:"report"`

	// secrets are the values Secrets returns, gathered while decoding.
	secrets []string
	// key holds report.signing_key once read (Load reads it before
	// anything runs); shared by copies of the Config.
	key *heldKey
}

// Merchant is the integration under test and how uatrun drives it.
type Merchant struct {
	Name    string            `yaml:"name"`
	BaseURL string            `yaml:"base_url"`
	Timeout Duration          `yaml:"timeout"` // default per-action timeout, 10s
	Actions map[string]Action `yaml:"actions"`
	// Statuses maps uatrun's canonical order states (PAID, PENDING,
	// CANCELLED, REFUNDED, EXPIRED, FAILED) to the merchant's own words:
	// one (PAID: settled) or several (PENDING: [pending, review,
	// challenge]) when the app has more states than uatrun names.
	Statuses map[string]Words `yaml:"statuses"`
}

// Action is one way to drive the merchant: an HTTP request template or a
// command. Exactly one of Path or Command is set.
type Action struct {
	Method  string            `yaml:"method"` // default GET, or POST when a body is given
	Path    string            `yaml:"path"`   // template, joined to Merchant.BaseURL
	Headers map[string]string `yaml:"headers"`
	Query   map[string]string `yaml:"query"`
	JSON    any               `yaml:"json"` // templated recursively (string leaves)
	Form    map[string]string `yaml:"form"`
	Command []string          `yaml:"command"` // argv, each element templated; stdout is JSON
	// Env names the environment variables a command receives from the
	// environment uatrun runs in; a command gets these and PATH, nothing
	// else (no CI token, no cloud key of whoever runs uatrun).
	Env []string `yaml:"env"`
	// Capture maps a variable name to a gjson path in the JSON answer.
	Capture map[string]string `yaml:"capture"`
	// RefusedWhen maps gjson paths in the JSON answer to matchers (the
	// scenario matcher syntax): a 2xx answer in which every one holds is
	// the merchant refusing the request, judged as a 4xx answer. For apps
	// that answer HTTP 200 {"success": false}: refused_when: {success: false}.
	RefusedWhen map[string]string `yaml:"refused_when"`
	Timeout     Duration          `yaml:"timeout"`
	// Line and Col locate the action in the config file for error messages.
	Line int `yaml:"-"`
	Col  int `yaml:"-"`
}

// Gateway configures the emulated gateway.
type Gateway struct {
	Name string `yaml:"name"` // dana-gapura (default), midtrans-snap, astapa, purwantara
	// Features lists the optional gateway features the integration uses
	// (e.g. GoPay Mini App's cashback, disbursement); scenarios about a
	// feature not listed are reported N/A. Not set: every feature is used.
	Features   *[]string `yaml:"features"`
	PartnerID  string    `yaml:"partner_id"`
	MerchantID string    `yaml:"merchant_id"`
	// ClientSecret, ServerKey and similar are secrets; they are redacted
	// from every report and log.
	ClientSecret string `yaml:"client_secret"`
	ServerKey    string `yaml:"server_key"`
	// MerchantPublicKey verifies the merchant's X-SIGNATURE.
	MerchantPublicKey string `yaml:"merchant_public_key"`
	// GatewayPrivateKey signs notifies; the merchant must trust its public
	// half (GatewayPublicKey, derived when omitted).
	GatewayPrivateKey string `yaml:"gateway_private_key"`
	GatewayPublicKey  string `yaml:"gateway_public_key"`
	// NotifyURL overrides the order's NOTIFICATION url when set.
	NotifyURL string `yaml:"notify_url"`
	// NotifyRetry is the retry schedule after an unacknowledged notify, on
	// the virtual clock. Default: 1m, 5m, 15m, 1h, 6h, 24h.
	NotifyRetry []Duration `yaml:"notify_retry"`
	// ExternalIDReuse is what the emulator does with an X-EXTERNAL-ID
	// reused within the day: "record" (default; a violation in the
	// evidence) or "reject" (409 Conflict, as generic SNAP would).
	ExternalIDReuse string `yaml:"external_id_reuse"`
	// TimestampSkew is how far X-TIMESTAMP may be from the emulator's
	// clock; 0 disables the check. Default 0.
	TimestampSkew Duration `yaml:"timestamp_skew"`
	// ValidUpToMax is how far ahead of the wall clock a DANA create-order
	// validUpTo may be before the emulator refuses it (4005401). Default
	// 30m, DANA's sandbox flow; 168h is the one week DANA documents for
	// production.
	ValidUpToMax Duration `yaml:"valid_up_to_max"`
}

// Listen is a bind address.
type Listen struct {
	Listen string `yaml:"listen"` // default 127.0.0.1:0 (a free port)
}

// Receiver configures the embedded callback receiver.
type Receiver struct {
	Listen  string `yaml:"listen"`   // default 127.0.0.1:0
	MaxBody int64  `yaml:"max_body"` // bytes, default 1 MiB
}

// Run holds run-time defaults that flags can override.
type Run struct {
	Packs       []string `yaml:"packs"`        // built-in packs to run; default: the gateway's own
	Dir         string   `yaml:"scenario_dir"` // extra scenarios from a directory
	Labels      string   `yaml:"labels"`       // Ginkgo label filter
	StepTimeout Duration `yaml:"step_timeout"` // default 15s
	// Settle bounds how long a check of merchant state (order_status
	// expectations) polls for the merchant to catch up: a merchant that
	// fulfils from a queue is judged once its state settles. Default 5s.
	Settle Duration `yaml:"settle"`
	// Wait bounds a step that waits for a call, a callback or a notify
	// answer when the scenario gives it no within: of its own. Default 5s.
	Wait Duration `yaml:"wait"`
	// Hold is how long "never" and "exactly once" claims (status_not,
	// fulfilments) must keep holding once they hold, so a late second
	// fulfilment from a queue is caught. Default 500ms; 0s turns it off.
	Hold     *Duration `yaml:"hold"`
	FailFast bool      `yaml:"fail_fast"`
	// Parallel is how many scenarios run at once (--parallel overrides
	// it); 1 runs them one by one, for an app that cannot take concurrent
	// orders. Default 8; at most MaxParallel.
	Parallel int `yaml:"parallel"`
}

// MaxParallel bounds run.parallel and --parallel.
const MaxParallel = 64

// HoldD is run.hold as a duration: the default when not set (a config
// built in code), 0 when set to 0s.
func (r Run) HoldD() time.Duration {
	if r.Hold == nil {
		return DefaultHold
	}
	return r.Hold.D()
}

// Report configures the evidence output.
type Report struct {
	Dir     string   `yaml:"dir"`     // default uat-evidence
	Formats []string `yaml:"formats"` // default html, json, junit, markdown
	SignOff []Signer `yaml:"sign_off"`
	// SigningKey is an optional ed25519 private key (PEM, PKCS#8) that
	// signs the evidence digest.
	SigningKey string `yaml:"signing_key"`
}

// Signer is a sign-off block entry.
type Signer struct {
	Name         string `yaml:"name"`
	Role         string `yaml:"role"`
	Organisation string `yaml:"organisation"`
}

// Duration is a time.Duration written as "10s", "24h", "1m30s".
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

package config

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/uatrun/uatrun/harness/evidence"
)

// A config is written by the merchant; whoever runs uatrun with it (the
// merchant, CI, or the gateway's reviewer) trusts uatrun and their own
// keys, not the config. Runner is what that person decided on the
// command line: it is never read from the config file.
type Runner struct {
	// AllowCommands lets the config's command actions run.
	AllowCommands bool
	// AllowConfig lets them run for exactly one reviewed config: the
	// config digest (`uatrun validate` prints it), "sha256:…" or bare hex.
	AllowConfig string
	// AllowCommandsWithSigningKey lets command actions run in a run that
	// signs its evidence. A command runs as the same user as uatrun and can
	// read any file that user can, the key file included, so this is for
	// a runner who keeps the key out of the command's reach (another user,
	// a container) or wrote the config themselves.
	AllowCommandsWithSigningKey bool
	// MerchantVersion names the merchant build under test, for the
	// evidence.
	MerchantVersion string
}

var runner atomic.Pointer[Runner]

// SetRunner records the runner's decisions for this process; uatrun's
// command line calls it once, before any config is used.
func SetRunner(r Runner) { runner.Store(&r) }

// CurrentRunner is what SetRunner recorded; the zero Runner (commands
// refused) when nothing was.
func CurrentRunner() Runner {
	if r := runner.Load(); r != nil {
		return *r
	}
	return Runner{}
}

// Command is a program the config runs: one command action.
type Command struct {
	Action    string
	Program   string
	Env       []string
	Line, Col int
}

// Commands lists every program the config runs, by action name.
func (c *Config) Commands() []Command {
	if c == nil {
		return nil
	}
	var out []Command
	for name, a := range c.Merchant.Actions {
		if len(a.Command) == 0 {
			continue
		}
		out = append(out, Command{Action: name, Program: a.Command[0], Env: append([]string(nil), a.Env...), Line: a.Line, Col: a.Col})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Action < out[j].Action })
	return out
}

// At is the command's place in the config, "uatrun.yaml:12:5".
func (c *Config) commandAt(cmd Command) string {
	return Error{File: c.File, Line: cmd.Line, Col: cmd.Col}.position()
}

// EvidenceCommands is Commands as the evidence lists them.
func (c *Config) EvidenceCommands() []evidence.Command {
	var out []evidence.Command
	for _, cmd := range c.Commands() {
		out = append(out, evidence.Command{Action: cmd.Action, Program: cmd.Program, Env: cmd.Env, At: c.commandAt(cmd)})
	}
	return out
}

// CheckRunner refuses what the config asks that r did not allow: command
// actions without the runner's opt-in, and command actions in a run that
// signs its evidence unless the runner allowed both together. Each
// refusal names the action's file:line:col and what to do.
func (c *Config) CheckRunner(r Runner) error {
	cmds := c.Commands()
	if len(cmds) == 0 {
		return nil
	}
	var errs Errors
	allowed := r.AllowCommands || (r.AllowConfig != "" && sameDigest(r.AllowConfig, c.Digest()))
	for _, cmd := range cmds {
		e := Error{File: c.File, Line: cmd.Line, Col: cmd.Col}
		switch {
		case !allowed && r.AllowConfig != "":
			e.Msg = fmt.Sprintf("action %q runs the program %s, and this config's digest sha256:%s is not the one --allow-config names", cmd.Action, clip(cmd.Program), c.Digest())
			e.Fix = "review the config again (uatrun validate lists every program it runs) and pass its digest, or run it without command actions"
		case !allowed:
			e.Msg = fmt.Sprintf("action %q runs the program %s; a config's programs run only when you allow them", cmd.Action, clip(cmd.Program))
			e.Fix = "review them (uatrun validate lists every one), then pass --allow-commands, or --allow-config sha256:" + c.Digest() + " to allow this exact config"
		case c.Report.SigningKey != "" && !r.AllowCommandsWithSigningKey:
			e.Msg = fmt.Sprintf("action %q runs the program %s in a run that signs its evidence with report.signing_key: the program runs as you and could read the key", cmd.Action, clip(cmd.Program))
			e.Fix = "sign with a key the program cannot reach, and pass --allow-commands-with-signing-key; or drop report.signing_key; or drive the merchant with HTTP actions"
		default:
			continue
		}
		errs = append(errs, e)
	}
	return errs.orNil()
}

func sameDigest(given, digest string) bool {
	given = strings.ToLower(strings.TrimSpace(given))
	return strings.TrimPrefix(given, "sha256:") == digest && digest != ""
}

// CommandEnv is the environment a command action runs with: PATH and the
// variables its action declares (env:), taken from lookup; nothing else
// of the environment uatrun runs in.
func CommandEnv(declared []string, lookup func(string) (string, bool)) []string {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	env := []string{} // never nil: a nil Env would hand over the whole environment
	for _, name := range append([]string{"PATH"}, declared...) {
		if v, ok := lookup(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// heldKey is report.signing_key as read once, before anything runs.
type heldKey struct {
	mu   sync.Mutex
	path string
	pem  []byte
	err  error
	done bool
}

// SigningKey returns the bytes of report.signing_key ("" → nil, nil),
// read once, the bounded regular-file-only way, and checked to be an
// Ed25519 PKCS#8 PEM. Load reads it before anything runs, so later calls
// (sealing the evidence at the end of the run) never open the file again.
func (c *Config) SigningKey() ([]byte, error) {
	if c == nil || c.Report.SigningKey == "" {
		return nil, nil
	}
	if c.key == nil || c.key.path != c.Report.SigningKey {
		c.key = &heldKey{path: c.Report.SigningKey}
	}
	k := c.key
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.done {
		k.done = true
		k.pem, k.err = evidence.ReadFileBounded(k.path, evidence.MaxKeyFile)
		if k.err == nil {
			k.err = checkSigningKey(k.path, k.pem)
		}
		if k.err != nil {
			k.pem = nil
		}
	}
	return k.pem, k.err
}

// hideEnvValues replaces, in every message, each value that came from the
// environment with the reference that brought it in: a config error never
// prints a secret held in ${ENV}.
func (d *decoder) hideEnvValues() {
	if len(d.fromEnv) == 0 {
		return
	}
	vals := make([]string, 0, len(d.fromEnv))
	for v := range d.fromEnv {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) }) // longest first
	hide := func(s string) string {
		for _, v := range vals {
			s = strings.ReplaceAll(s, v, d.fromEnv[v])
		}
		return s
	}
	for i := range d.errs {
		d.errs[i].Msg, d.errs[i].Fix = hide(d.errs[i].Msg), hide(d.errs[i].Fix)
	}
}

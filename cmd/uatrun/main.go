// Command uatrun is an automated UAT conformance harness for Indonesian
// payment gateways: it plays the gateway, drives the merchant's app,
// captures callbacks and writes sign-off evidence.
//
// main maps subcommands to their files; each subcommand hands off to a
// plain run function.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"

	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/spf13/cobra"

	"github.com/uatrun/uatrun/harness/config"
)

// Exit codes for CI, documented in --help and the README.
const (
	exitOK      = 0 // every mandatory scenario passed
	exitFailed  = 1 // a mandatory scenario failed (or evidence is not intact)
	exitUsage   = 2 // usage or config error
	exitHarness = 3 // uatrun itself failed
)

// exitError carries an exit code up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func usageErr(err error) error   { return &exitError{exitUsage, err} }
func harnessErr(err error) error { return &exitError{exitHarness, err} }

const exitCodesHelp = `Exit codes:
  0  every mandatory scenario passed
  1  a mandatory scenario did not pass (FAILED, ERRORED or REVIEW)
  2  usage or config error (nothing ran)
  3  uatrun itself failed (a crash writes its stack to a file and names it)`

func newRootCmd() *cobra.Command {
	global = &globalFlags{}
	root := &cobra.Command{
		Use:   "uatrun",
		Short: "Automated UAT conformance harness for Indonesian payment gateways",
		Long: `uatrun plays the payment gateway (an offline emulator with the exact BI-SNAP
protocol and signatures), drives your integration through the mandated UAT
scenarios, captures its callbacks, and writes sign-off evidence.

Start with:  uatrun demo          (the full DANA Gapura suite on a bundled shop)
Then:        uatrun init && uatrun keys --out keys && uatrun run --config uatrun.yaml

` + exitCodesHelp,
		Version:       Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("uatrun {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.BoolVar(&global.noColor, "no-color", false, "no colours (also off when NO_COLOR is set or output is not a terminal)")
	pf.BoolVarP(&global.quiet, "quiet", "q", false, "print only results and errors")
	pf.BoolVar(&global.json, "json", false, "print data as JSON (list, validate, run and demo summary, verify)")
	pf.BoolVar(&global.force, "force", false, "replace the evidence already in the output directory (run, demo)")
	pf.BoolVar(&global.runner.AllowCommands, "allow-commands", false, "let the config's command actions run (review them first: uatrun validate lists every one)")
	pf.StringVar(&global.runner.AllowConfig, "allow-config", "", "let command actions run only for the config with this digest (sha256:…, as uatrun validate prints it)")
	pf.BoolVar(&global.runner.AllowCommandsWithSigningKey, "allow-commands-with-signing-key", false,
		"let command actions run in a run that signs its evidence (they run as you: keep the key where they cannot read it)")
	pf.StringVar(&global.runner.MerchantVersion, "merchant-version", os.Getenv(merchantVersionEnv),
		"the merchant build under test, bound into the evidence (default $"+merchantVersionEnv+")")
	// What the person running uatrun decided, never the config: recorded
	// before any subcommand loads one.
	root.PersistentPreRun = func(*cobra.Command, []string) { config.SetRunner(global.runner) }
	root.AddCommand(newDemoCmd(), newRunCmd(), newEmulateCmd(), newListCmd(), newValidateCmd(),
		newReportCmd(), newVerifyCmd(), newKeysCmd(), newInitCmd(), newVersionCmd())
	return root
}

// globalFlags are the root command's flags, shared by every subcommand.
type globalFlags struct {
	noColor, quiet, json, force bool
	runner                      config.Runner
}

// merchantVersionEnv names the merchant build when --merchant-version is
// not given (a CI job can set it from its commit).
const merchantVersionEnv = "UATRUN_MERCHANT_VERSION"

// global holds the flags of the command line being executed.
var global = &globalFlags{}

// globals returns the global flags; cmd is for call sites' clarity.
func globals(*cobra.Command) *globalFlags { return global }

// exitInterrupted is the shell's code for a run stopped with Ctrl-C.
const exitInterrupted = 130

func main() {
	os.Exit(protect(os.Stderr, func() int { return execute(os.Args[1:]) }))
}

// protect runs f and turns a panic into exit 3 (uatrun itself failed, not
// a usage error) with one line on stderr and the stack in a file, so a
// crash is never read as "you called it wrong" and the report has what
// a fix needs.
func protect(stderr io.Writer, f func() int) (code int) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		code = exitHarness
		where := "(the stack could not be written: %v)"
		path, err := writeStack(r, debug.Stack())
		if err == nil {
			where = "the stack is in " + path
		} else {
			where = fmt.Sprintf(where, err)
		}
		fmt.Fprintf(stderr, "uatrun: internal error: %v\n%s; please report it with that file (https://github.com/uatrun/uatrun/issues)\n", r, where)
	}()
	return f()
}

// writeStack writes a panic's value and stack to a new file in the
// temporary directory, readable by its owner only.
func writeStack(r any, stack []byte) (string, error) {
	f, err := os.CreateTemp("", "uatrun-panic-*.txt")
	if err != nil {
		return "", err
	}
	_, werr := fmt.Fprintf(f, "uatrun %s: panic: %v\n\n%s", Version(), r, stack)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return f.Name(), werr
}

// execute runs the CLI and maps errors to exit codes. With colour off
// (--no-color, NO_COLOR, or output that is not a terminal) no ANSI escape
// reaches the output, whoever wrote it: uatrun or a dependency's error
// text (Ginkgo's label parser colours its messages).
func execute(args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	stdout, stderr := io.Writer(os.Stdout), io.Writer(os.Stderr)
	if colourOff(args, os.Stdout) {
		stdout, stderr = ansiStripper{os.Stdout}, ansiStripper{os.Stderr}
		formatter.ColorableStdErr = stderr
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(stderr, "uatrun:", ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown command or flag.
	fmt.Fprintln(stderr, "uatrun:", err)
	fmt.Fprintln(stderr, "Run 'uatrun --help' for usage.")
	return exitUsage
}

// colourOff decides before flags are parsed (errors can come from
// parsing itself) whether colour is off.
func colourOff(args []string, out *os.File) bool {
	if os.Getenv("NO_COLOR") != "" || !isTerminal(out) {
		return true
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--no-color" || a == "--no-color=true" || a == "--json" {
			return true
		}
	}
	return false
}

// ansiEscape matches CSI sequences (colours, cursor moves) and OSC
// sequences (terminal hyperlinks).
var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)`)

// ansiStripper drops ANSI escapes from what it writes.
type ansiStripper struct{ w io.Writer }

func (a ansiStripper) Write(p []byte) (int, error) {
	if bytes.IndexByte(p, 0x1b) < 0 {
		return a.w.Write(p)
	}
	if _, err := a.w.Write(ansiEscape.ReplaceAll(p, nil)); err != nil {
		return 0, err
	}
	return len(p), nil
}

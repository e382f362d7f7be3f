// Command uatrun is an automated UAT conformance harness for Indonesian
// payment gateways: it plays the gateway, drives the merchant's app,
// captures callbacks and writes sign-off evidence.
//
// main maps subcommands to their files; each subcommand hands off to a
// plain run function.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
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
  3  uatrun itself failed`

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "uatrun",
		Short: "Automated UAT conformance harness for Indonesian payment gateways",
		Long: `uatrun plays the payment gateway (an offline emulator with the exact BI-SNAP
protocol and signatures), drives your integration through the mandated UAT
scenarios, captures its callbacks, and writes sign-off evidence.

Start with:  uatrun demo          (the full DANA Gapura suite on a bundled shop)
Then:        uatrun init && uatrun keys --out keys && uatrun run --config uatrun.yaml

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newDemoCmd(), newRunCmd(), newEmulateCmd(), newListCmd(), newValidateCmd(),
		newReportCmd(), newVerifyCmd(), newKeysCmd(), newInitCmd(), newVersionCmd())
	return root
}

func main() {
	os.Exit(execute(os.Args[1:]))
}

// execute runs the CLI and maps errors to exit codes. A panic is a bug in
// uatrun, never a verdict or a config error: it exits 3 and asks for a
// report.
func execute(args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "uatrun: internal error: %v\nThis is a bug in uatrun, not in your integration or config: please report it with the command you ran and this message.\n", r)
			code = exitHarness
		}
	}()
	root := newRootCmd()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(os.Stderr, "uatrun:", ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown command or flag.
	fmt.Fprintln(os.Stderr, "uatrun:", err)
	fmt.Fprintln(os.Stderr, "Run 'uatrun --help' for usage.")
	return exitUsage
}

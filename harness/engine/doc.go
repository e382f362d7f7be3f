// Package engine runs validated scenarios against a target: the gateway
// emulator, the merchant driver and the callback receiver, on a virtual
// clock. It templates step inputs over variables and captures, executes
// each step kind, checks expectations, and records every step as evidence
// with its exchanges and expected-versus-actual checks.
//
// One switch (verdictOf) decides PASSED, FAILED (the merchant broke a
// rule), ERRORED (the run could not judge), SKIPPED (always with a reason)
// and REVIEW (a person must look). Waits are bounded polls on the
// merchant, never fixed sleeps; gateway timers only move with the virtual
// clock. Teardown steps always run.
//
// The Ginkgo bridge in suites/ drives a ScenarioRun one step per spec; Run
// drives the same ScenarioRun directly, for callers that want no Ginkgo.
package engine

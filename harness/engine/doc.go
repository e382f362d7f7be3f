// Package engine runs validated scenarios against a target: the gateway
// emulator, the merchant driver and the callback receiver, on a virtual
// clock. It templates step inputs over variables and captures, executes
// each step kind, checks expectations, and records every step as evidence
// with its exchanges and expected-versus-actual checks.
//
// One switch (result.verdict) decides a step PASSED, FAILED (the merchant
// broke a rule), ERRORED (the run could not judge), SKIPPED (always with a
// reason) and REVIEW (a person must look); the first step that does not
// pass decides the scenario (ScenarioRun.verdict). Waits are bounded polls
// on the merchant, never fixed sleeps; gateway timers only move with the
// virtual clock. Teardown steps always run.
//
// Three rules hold for every gateway by construction:
//   - acknowledgement and outcome are judged apart: after a FAILED step,
//     the scenario's later checks of the merchant's state still run and
//     are recorded (outcome.go), without changing the verdict;
//   - a step of the scenario's setup: section that cannot proceed is
//     ERRORED with its reason, never FAILED (setup.go);
//   - the "what to fix" line follows the failed check where the engine
//     knows its rule, else the scenario's remedy (fixes.go).
//
// A merchant action's answer is judged by its status whether the action
// is an HTTP request or a command (exit 0 answers, exit 1 refuses; see
// harness/merchant), and an answer the action's refused_when reads as a
// refusal is judged as one.
//
// The Ginkgo bridge in suites/ drives a ScenarioRun one step per spec; Run
// drives the same ScenarioRun directly, for callers that want no Ginkgo.
package engine

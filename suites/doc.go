// Package suites is the Ginkgo bridge: it turns validated scenarios into a
// Ginkgo spec tree, one Ordered container per scenario and one spec per
// step, each located at the scenario's YAML line. Every spec drives the
// same engine.ScenarioRun the direct runner uses, so verdicts are decided
// in one place; Ginkgo adds its runner, label filters, parallelism
// (ginkgo -p), and report entries carrying the exchanges.
//
// Build the tree before RunSpecs from a session that is already open:
// never load scenarios in BeforeSuite.
package suites

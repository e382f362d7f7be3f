// Package session assembles one uatrun run from a validated config: it
// starts the gateway emulator and the callback receiver on the virtual
// clock, starts or reaches the merchant, builds the driver and the engine,
// selects scenarios, journals evidence as the run goes, and at the end
// seals the evidence and writes every report.
//
// Both runners use it: the Ginkgo bridge in suites/ (go test, ginkgo -p,
// uatrun run) and the direct engine runner (uatrun demo's fault matrix).
package session

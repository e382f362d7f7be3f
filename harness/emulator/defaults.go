package emulator

import (
	"net/http"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
)

// FillDefaults sets the options every emulator shares when left empty:
// the wall clock for gateway timers, the merchant's wall clock equal to
// that clock (tests that pass one fake clock keep one timeline), an HTTP
// client for callbacks with the gateway's timeout, and version "dev".
func FillDefaults(clk, wall *clock.Clock, client **http.Client, version *string, timeout time.Duration) {
	if *clk == nil {
		*clk = clock.Real{}
	}
	if *wall == nil {
		*wall = *clk
	}
	if *client == nil {
		*client = &http.Client{Timeout: timeout}
	}
	if *version == "" {
		*version = "dev"
	}
}

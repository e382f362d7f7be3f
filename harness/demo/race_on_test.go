//go:build race

package demo

// raceEnabled: this test binary runs under the race detector.
const raceEnabled = true

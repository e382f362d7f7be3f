//go:build race

package main

// raceFlags builds the binary under test with the race detector when the
// tests themselves run under it, so `go test -race` covers the CLI's
// in-process Ginkgo run too.
var raceFlags = []string{"-race"}

//go:build race

package nodeshop_test

// raceFlags builds the uatrun binary under test with the race detector when
// the test itself runs under it, so `go test -race` covers the run too.
var raceFlags = []string{"-race"}

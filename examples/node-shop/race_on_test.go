//go:build race

package nodeshop_test

// raceFlags builds uatrun as this test binary is built.
var raceFlags = []string{"-race"}

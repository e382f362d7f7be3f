//go:build !race

package nodeshop_test

// raceFlags is empty without -race: see race_on_test.go.
var raceFlags []string

package demo

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// demoParallel is how many parallel tests of this package run at once
// unless -parallel says otherwise. Its tests run whole packs against
// reference merchants over loopback and mostly wait (settle polls, hold
// windows), so many overlap well even on two cores; Go's default (one per
// core) would leave the CPU idle.
const demoParallel = 6

func TestMain(m *testing.M) {
	flag.Parse()
	// -parallel defaults to GOMAXPROCS; a value the user chose is kept.
	if f := flag.Lookup("test.parallel"); f != nil && f.Value.String() == strconv.Itoa(runtime.GOMAXPROCS(0)) {
		_ = f.Value.Set(strconv.Itoa(max(demoParallel, runtime.GOMAXPROCS(0))))
	}
	prestartPlain()
	code := m.Run()
	removePlain()
	os.Exit(code)
}

// Package testbuild runs the go command for tests that build programs of
// their own: a reference merchant, the uatrun CLI, a test binary without
// the race detector.
//
// go test runs each package's tests as a process of its own, and several
// of them build programs from the same dependencies at the same moment.
// The build cache does not lock work in progress, so on a cold cache each
// of those builds compiles every shared dependency itself. Go holds one
// lock per machine around each build instead: the first compiles, the
// others find the cache warm.
package testbuild

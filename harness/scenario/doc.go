// Package scenario is the scenario model and its strict loader.
//
// Scenarios are YAML documents (several per file are allowed, separated by
// "---") loaded from an fs.FS: the built-in packs embedded in the binary, or
// a merchant's own directory. Loading is strict and reports every problem at
// once, before anything runs, each naming file:line:col and a remedy:
// unknown keys, unknown step kinds (with the nearest valid one suggested),
// templates that use a variable no earlier step sets, malformed matchers
// and durations.
//
// A scenario's setup: section lists the steps that only reach the state
// under test; they run first, as steps marked Setup, and the engine
// reports one that cannot proceed as ERRORED, never FAILED.
package scenario

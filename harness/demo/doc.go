// Package demo is uatrun's embedded default: a bundled reference merchant
// (examples/…) started in-process against a gateway emulator, with fresh
// keys, driven by a built-in config. `uatrun demo` runs the full mandated
// catalogue on it; `--fault NAME` switches on one of the merchant's
// integration bugs to show what a failing run and report look like.
//
// Each gateway contributes a Kit (kit_<gateway>.go): its pack, config,
// reference merchant, faults, and which scenario catches each fault.
package demo

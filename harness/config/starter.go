package config

import _ "embed"

// Starter is the commented starter config `uatrun init` writes. It is a
// byte-for-byte copy of config.example.yaml at the repository root (a
// test keeps the two equal), embedded so the binary needs no files.
//
//go:embed starter.yaml
var Starter []byte

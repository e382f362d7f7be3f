package config

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse_Example measures decoding and validating the shipped
// example, the cost every uatrun command pays before it starts.
func BenchmarkParse_Example(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "config.example.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("config.example.yaml", data, noEnv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDigest measures the evidence digest of the example config.
func BenchmarkDigest(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "config.example.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	c, err := Parse("config.example.yaml", data, noEnv)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_ = c.Digest()
	}
}

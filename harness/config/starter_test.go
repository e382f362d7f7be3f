package config

import (
	"bytes"
	"os"
	"testing"
)

// uatrun init writes Starter; it must stay the documented example.
func TestStarter_IsTheRepositoryExample(t *testing.T) {
	example, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(example, Starter) {
		t.Fatal("harness/config/starter.yaml differs from config.example.yaml; copy the example over it")
	}
}

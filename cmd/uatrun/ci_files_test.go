package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// pinned is a third-party action pinned by full commit: a tag can be moved
// to other code, a commit cannot.
var pinned = regexp.MustCompile(`^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$`)

// The CI files a merchant pastes (and uatrun's own) pin every action by
// commit and ask for read-only repository access; the merchant gate makes
// its keys in the job and needs no Go of its own.
func TestCIFiles_PinnedReadOnlyAndPasteable(t *testing.T) {
	for _, f := range []string{"../../.github/workflows/ci.yml", "../../.github/workflows/merchant-uat-gate.yml", "../../action.yml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, m := range regexp.MustCompile(`(?m)^\s*(?:-\s*)?uses:\s*(\S+)`).FindAllStringSubmatch(string(data), -1) {
			if !pinned.MatchString(m[1]) {
				t.Errorf("%s: %s is not pinned by commit", f, m[1])
			}
		}
		if strings.Contains(f, "workflows") {
			perms, _ := doc["permissions"].(map[string]any)
			if perms["contents"] != "read" || len(perms) != 1 {
				t.Errorf("%s: permissions %v, want exactly contents: read", f, doc["permissions"])
			}
		}
	}
	gate, _ := os.ReadFile("../../.github/workflows/merchant-uat-gate.yml")
	g := string(gate)
	for _, bad := range []string{"setup-go", "go install", "@latest"} {
		if strings.Contains(g, bad) {
			t.Errorf("the merchant gate contains %q: it must work in a PHP or Node repository, pinned", bad)
		}
	}
	keys, start, run := strings.Index(g, "command: keys"), strings.Index(g, "- name: Start your app"), strings.Index(g, "command: run")
	if keys < 0 || start < 0 || run < 0 || !(keys < start && start < run) {
		t.Errorf("the merchant gate must make keys in the job, then start the app, then run (at %d, %d, %d)", keys, start, run)
	}
	action, _ := os.ReadFile("../../action.yml")
	if a := string(action); !strings.Contains(a, "using: composite") || !strings.Contains(a, "uatrun keys --out") || !strings.Contains(a, "GITHUB_STEP_SUMMARY") {
		t.Error("action.yml is not the composite action that makes keys, runs and summarises")
	}
}

// CI runs exactly the test command the README's quick start gives, so a
// developer who runs that command has run what CI judges.
func TestCIFiles_CIRunsTheREADMEsTestCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?m)^(go test [^#\n]*?)\\s*# the tests").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md's quick start has no `go test … # the tests` line")
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(string(m[1])) + `$`).Match(ci) {
		t.Errorf(".ci/run does not run the README's test command %q on a line of its own", m[1])
	}
}

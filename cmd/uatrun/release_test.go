package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The release files agree with each other: GoReleaser builds the six
// targets and names the archives and checksums file exactly as the
// action's install script downloads them; the release workflow is pinned,
// read-only but for the job that publishes, and uses the GoReleaser that
// tools/go.mod pins. `goreleaser check` and a snapshot build run in
// .ci/run; these checks need no GoReleaser.

type goreleaserConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		NameTemplate string `yaml:"name_template"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
}

// render fills the GoReleaser templates these files use.
func render(tmpl string, vars map[string]string) string {
	return regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`).ReplaceAllStringFunc(tmpl, func(m string) string {
		name := regexp.MustCompile(`\w+`).FindString(m)
		if v, ok := vars[name]; ok {
			return v
		}
		return m
	})
}

func TestRelease_ArchivesAreWhatTheActionDownloads(t *testing.T) {
	data, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if c.Version != 2 || c.ProjectName != "uatrun" || len(c.Builds) != 1 || len(c.Archives) != 1 {
		t.Fatalf("want version 2, project uatrun, one build, one archive: %+v", c)
	}
	b := c.Builds[0]
	if b.Main != "./cmd/uatrun" || b.Binary != "uatrun" || !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build: main %q binary %q env %v, want ./cmd/uatrun, uatrun, static (CGO_ENABLED=0)", b.Main, b.Binary, b.Env)
	}
	if !slices.Equal(b.Goos, []string{"linux", "darwin", "windows"}) || !slices.Equal(b.Goarch, []string{"amd64", "arm64"}) {
		t.Errorf("targets %v × %v, want linux/darwin/windows × amd64/arm64", b.Goos, b.Goarch)
	}
	// `uatrun --version` of a release says the tag: main.version is the
	// variable version.go reads.
	if !strings.Contains(strings.Join(b.Ldflags, " "), "-X main.version=v{{ .Version }}") {
		t.Errorf("ldflags %v do not stamp main.version with the tag", b.Ldflags)
	}
	if src, _ := os.ReadFile("version.go"); !regexp.MustCompile(`(?m)^var version = ""$`).Match(src) {
		t.Error(`version.go has no "var version = """ for -X main.version`)
	}
	a := c.Archives[0]
	if !slices.Equal(a.Formats, []string{"tar.gz"}) || len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf("archive formats %v %+v, want tar.gz and zip on windows (what install.sh unpacks)", a.Formats, a.FormatOverrides)
	}
	if c.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum algorithm %q, want sha256 (what install.sh checks)", c.Checksum.Algorithm)
	}

	// The names GoReleaser writes for v1.2.3 are the ones install.sh asks for.
	script, err := os.ReadFile(installScript)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"ProjectName": "uatrun", "Version": "1.2.3", "Os": "linux", "Arch": "arm64"}
	if got := render(a.NameTemplate, vars) + ".tar.gz"; got != "uatrun_1.2.3_linux_arm64.tar.gz" {
		t.Errorf("archive name %s", got)
	}
	if got := render(c.Checksum.NameTemplate, vars); got != "uatrun_1.2.3_checksums.txt" {
		t.Errorf("checksums file %s", got)
	}
	for _, want := range []string{`archive="uatrun_${num}_${os}_${arch}.${ext}"`, `sums="uatrun_${num}_checksums.txt"`} {
		if !strings.Contains(string(script), want) {
			t.Errorf("install.sh does not ask for %s", want)
		}
	}

	// .ci/run narrows the config to one target by rewriting these lines.
	for _, re := range []string{`(?m)^    goos: \[linux, darwin, windows\]$`, `(?m)^    goarch: \[amd64, arm64\]$`} {
		if n := len(regexp.MustCompile(re).FindAll(data, -1)); n != 1 {
			t.Errorf("%s: %d lines, .ci/run's one-target snapshot rewrites exactly one", re, n)
		}
	}
}

// GoReleaser is a tool of its own module, pinned; uatrun's own go.mod
// never sees its dependencies.
func TestRelease_GoReleaserPinnedInToolsModule(t *testing.T) {
	tools, err := os.ReadFile("../../tools/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^tool github\.com/goreleaser/goreleaser/v2$`).Match(tools) {
		t.Error("tools/go.mod does not declare the goreleaser tool")
	}
	if !regexp.MustCompile(`(?m)^\s+github\.com/goreleaser/goreleaser/v2 v2\.\d+\.\d+( // indirect)?$`).Match(tools) {
		t.Error("tools/go.mod does not pin a goreleaser release")
	}
	main, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(main), "goreleaser") {
		t.Error("go.mod mentions goreleaser: it belongs in tools/go.mod")
	}
}

func TestRelease_WorkflowPinnedAndReadOnlyButThePublishingJob(t *testing.T) {
	data, err := os.ReadFile("../../.github/workflows/release.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On struct {
			Push struct {
				Tags []string `yaml:"tags"`
			} `yaml:"push"`
		} `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Needs       any               `yaml:"needs"`
			Permissions map[string]string `yaml:"permissions"`
			Steps       []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(wf.On.Push.Tags, []string{"v*"}) {
		t.Errorf("runs on tags %v, want v*", wf.On.Push.Tags)
	}
	if len(wf.Permissions) != 1 || wf.Permissions["contents"] != "read" {
		t.Errorf("workflow permissions %v, want exactly contents: read", wf.Permissions)
	}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:-\s*)?uses:\s*(\S+)`).FindAllStringSubmatch(string(data), -1) {
		if !pinned.MatchString(m[1]) {
			t.Errorf("%s is not pinned by commit", m[1])
		}
	}
	var writers []string
	var all string
	for name, j := range wf.Jobs {
		for scope, p := range j.Permissions {
			if p == "write" {
				writers = append(writers, name+":"+scope)
			}
		}
		for _, s := range j.Steps {
			all += s.Uses + "\n" + s.Run + "\n"
			for k, v := range s.With {
				all += k + ": " + v + "\n"
			}
		}
	}
	slices.Sort(writers)
	if !slices.Equal(writers, []string{"release:contents", "release:packages"}) {
		t.Errorf("write permissions %v, want only the release job's contents and packages", writers)
	}
	if n := wf.Jobs["release"].Needs; n != "image-test" {
		t.Errorf("release needs %v, want image-test: nothing is published before the image runs the demo", n)
	}
	for _, want := range []string{
		"go build -C tools -o",             // the pinned GoReleaser
		"goreleaser\" release --clean",     // archives, checksums, the GitHub release
		"docker run --rm uatrun:test demo", // the image works before it is pushed
		"platforms: linux/amd64,linux/arm64",
		"target: example-shop",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the release workflow has no %q", want)
		}
	}
}

// The CI-matrix example is pasteable: pinned, read-only, the release
// binary in every job, each run its own artifact, and a batch verify of
// them all that runs even when a merchant's run failed.
func TestRelease_CIMatrixExample(t *testing.T) {
	data, err := os.ReadFile("../../examples/ci-matrix/uat-matrix.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Needs    string            `yaml:"needs"`
			If       string            `yaml:"if"`
			Strategy map[string]any    `yaml:"strategy"`
			Steps    []map[string]any  `yaml:"steps"`
			Perms    map[string]string `yaml:"permissions"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	if len(wf.Permissions) != 1 || wf.Permissions["contents"] != "read" {
		t.Errorf("permissions %v, want exactly contents: read", wf.Permissions)
	}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:-\s*)?uses:\s*(\S+)`).FindAllStringSubmatch(string(data), -1) {
		if !pinned.MatchString(m[1]) {
			t.Errorf("%s is not pinned by commit", m[1])
		}
	}
	uat, verify := wf.Jobs["uat"], wf.Jobs["verify"]
	if uat.Strategy["fail-fast"] != false {
		t.Error("the matrix is fail-fast: one merchant's NO-GO would cancel the others")
	}
	if verify.Needs != "uat" || verify.If != "${{ always() }}" {
		t.Errorf("verify needs %q if %q, want uat and always()", verify.Needs, verify.If)
	}
	s := string(data)
	for _, want := range []string{"artifact-name: uat-evidence-${{ matrix.merchant }}", "pattern: uat-evidence-*", "uatrun --no-color verify evidence", "version: v"} {
		if !strings.Contains(s, want) {
			t.Errorf("the example has no %q", want)
		}
	}
	if strings.Contains(s, "setup-go") {
		t.Error("the example sets up Go: it must run on the release binary")
	}
}

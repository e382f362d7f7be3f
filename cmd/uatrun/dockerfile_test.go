package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The Dockerfile is checked here because CI has no container engine to
// build it: every base image pinned by digest, static binaries, and
// runtime images that run as a non-root user with no shell needed.

// dockerInstr is one Dockerfile instruction, continuation lines joined.
type dockerInstr struct {
	line int
	cmd  string // upper case: FROM, RUN, COPY …
	args string
}

// dockerStage is a FROM and the instructions after it.
type dockerStage struct {
	image, name string
	instrs      []dockerInstr
}

func parseDockerfile(t *testing.T, path string) []dockerStage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var instrs []dockerInstr
	var cur strings.Builder
	start := 0
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		} else if strings.HasPrefix(line, "#") {
			continue // a comment inside a continued instruction
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		instrs = append(instrs, dockerInstr{start, strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur.Reset()
	}
	var stages []dockerStage
	for _, in := range instrs {
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			var st dockerStage
			for i := 0; i < len(f); i++ {
				switch {
				case strings.HasPrefix(f[i], "--"):
				case strings.EqualFold(f[i], "AS") && i+1 < len(f):
					st.name = f[i+1]
					i++
				case st.image == "":
					st.image = f[i]
				}
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Errorf("Dockerfile:%d: %s before the first FROM", in.line, in.cmd)
			}
			continue
		}
		stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, in)
	}
	return stages
}

var digestPinned = regexp.MustCompile(`^[a-z0-9./_-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}$`)

func TestDockerfile_PinnedStaticNonRoot(t *testing.T) {
	stages := parseDockerfile(t, "../../Dockerfile")
	if len(stages) < 2 {
		t.Fatalf("%d stages: want a build stage and a runtime stage", len(stages))
	}
	names := map[string]bool{}
	for i, st := range stages {
		if !names[st.image] && st.image != "scratch" && !digestPinned.MatchString(st.image) {
			t.Errorf("stage %d (%s): base image %q is not pinned by digest", i, st.name, st.image)
		}
		for _, in := range st.instrs {
			switch in.cmd {
			case "ADD":
				t.Errorf("Dockerfile:%d: ADD (fetches and unpacks); use COPY", in.line)
			case "COPY":
				if m := regexp.MustCompile(`--from=(\S+)`).FindStringSubmatch(in.args); m != nil && !names[m[1]] {
					t.Errorf("Dockerfile:%d: COPY --from=%s names no earlier stage", in.line, m[1])
				}
			}
		}
		names[st.name] = true
	}

	build := stages[0]
	var runs string
	for _, in := range build.instrs {
		if in.cmd == "RUN" || in.cmd == "ENV" {
			runs += in.args + "\n"
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "./cmd/uatrun", "-X main.version=", "-s -w"} {
		if !strings.Contains(runs, want) {
			t.Errorf("the build stage does not build with %q: a static, stamped binary", want)
		}
	}

	// Every stage that is not the build stage is a runtime image.
	for _, st := range stages[1:] {
		if !strings.HasPrefix(st.image, "gcr.io/distroless/static") && st.image != "scratch" {
			t.Errorf("runtime stage %s is on %s: want distroless/static or scratch", st.name, st.image)
		}
		user, entry := "", ""
		for _, in := range st.instrs {
			switch in.cmd {
			case "RUN", "SHELL":
				t.Errorf("Dockerfile:%d: %s in runtime stage %s: it has no shell", in.line, in.cmd, st.name)
			case "USER":
				user = in.args
			case "ENTRYPOINT", "CMD":
				var argv []string
				if err := json.Unmarshal([]byte(in.args), &argv); err != nil || len(argv) == 0 {
					t.Errorf("Dockerfile:%d: %s %s is not in exec (JSON) form: it would need a shell", in.line, in.cmd, in.args)
				}
				if in.cmd == "ENTRYPOINT" {
					entry = in.args
				}
			}
		}
		if uid, _, _ := strings.Cut(user, ":"); uid == "" || uid == "0" || uid == "root" {
			t.Errorf("runtime stage %s runs as %q: want a non-root USER", st.name, user)
		}
		if entry == "" {
			t.Errorf("runtime stage %s has no ENTRYPOINT", st.name)
		}
	}
	final := stages[len(stages)-1]
	if final.name != "uatrun" || !strings.Contains(strings.Join(instrArgs(final, "ENTRYPOINT"), ""), "/uatrun") {
		t.Errorf("the default (last) stage is %q: `docker build .` must give the uatrun image", final.name)
	}
	if wd := instrArgs(final, "WORKDIR"); len(wd) == 0 || !strings.Contains(strings.Join(instrArgs(final, "COPY"), "\n"), "--chown=65532:65532 /out/work "+wd[len(wd)-1]) {
		t.Errorf("the working directory %v, where `uatrun demo` writes, is not owned by the image's user", wd)
	}
}

func instrArgs(st dockerStage, cmd string) []string {
	var out []string
	for _, in := range st.instrs {
		if in.cmd == cmd {
			out = append(out, in.args)
		}
	}
	return out
}

// The Go image's release is the one go.mod asks for: with GOTOOLCHAIN=local
// a newer go line would fail the image build.
func TestDockerfile_GoImageMatchesGoMod(t *testing.T) {
	stages := parseDockerfile(t, "../../Dockerfile")
	m := regexp.MustCompile(`^golang:(\d+\.\d+)`).FindStringSubmatch(stages[0].image)
	if m == nil {
		t.Fatalf("build stage on %s, want golang:X.Y", stages[0].image)
	}
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goLine == nil || string(goLine[1]) != m[1] {
		t.Errorf("Dockerfile builds with Go %s, go.mod says go %s", m[1], goLine[1])
	}
}

// .dockerignore keeps secrets and bulk out of the build context and
// leaves every source file the build needs in it.
func TestDockerfile_IgnoreKeepsSourcesDropsTheRest(t *testing.T) {
	data, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	var pats []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			pats = append(pats, l)
		}
	}
	ignored := func(p string) bool {
		for _, pat := range pats {
			pat = strings.TrimPrefix(pat, "/")
			deep := strings.HasPrefix(pat, "**/")
			pat = strings.TrimPrefix(pat, "**/")
			parts := strings.Split(p, "/")
			for i := range parts {
				if i > 0 && !deep {
					break
				}
				for j := i + 1; j <= len(parts); j++ {
					if ok, _ := filepath.Match(pat, strings.Join(parts[i:j], "/")); ok {
						return true
					}
				}
			}
		}
		return false
	}
	for _, p := range []string{".git/config", "uat-evidence/evidence.json", "keys/merchant.pem", "dist/x.tar.gz"} {
		if !ignored(p) {
			t.Errorf("%s would be sent to the image build", p)
		}
	}
	root := "../.."
	n := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && (rel == ".git" || rel == "tools" || strings.HasPrefix(rel, ".ci")) {
			return fs.SkipDir
		}
		if rel == "go.mod" || rel == "go.sum" || (strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")) || strings.HasSuffix(rel, ".yaml") && strings.HasPrefix(rel, "scenarios/") {
			n++
			if ignored(rel) {
				t.Errorf(".dockerignore drops %s, which the image build needs", rel)
			}
		}
		return nil
	})
	if n < 50 {
		t.Errorf("only %d source files seen: is the walk rooted at the repository?", n)
	}
}

package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// The action's download path (.github/actions/install/install.sh), run
// against releases served from httptest: the archive for the runner's
// OS/arch is fetched, checked against the checksums file, and installed
// only when it matches.

const installScript = "../../.github/actions/install/install.sh"

// fakeRelease serves release files at /TAG/NAME and records the paths asked for.
type fakeRelease struct {
	mu    sync.Mutex
	files map[string][]byte // "v1.2.3/uatrun_1.2.3_linux_amd64.tar.gz" → bytes
	asked []string
}

func (f *fakeRelease) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := strings.TrimPrefix(r.URL.Path, "/")
	f.asked = append(f.asked, p)
	b, ok := f.files[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Write(b)
}

// last is the path asked for last.
func (f *fakeRelease) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.asked) == 0 {
		return ""
	}
	return f.asked[len(f.asked)-1]
}

// stubUatrun is an executable that answers `version` as a released
// uatrun does.
func stubUatrun(version string) []byte {
	return []byte("#!/bin/sh\necho \"uatrun " + version + "\"\necho \"module github.com/uatrun/uatrun\"\n")
}

func tarGz(t *testing.T, name string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct {
		name string
		body []byte
		mode int64
	}{{"README.md", []byte("# uatrun\n"), 0o644}, {name, body, 0o755}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.body)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func zipOf(t *testing.T, name string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: name, Method: zip.Deflate}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(body)
	zw.Close()
	return buf.Bytes()
}

func checksums(files map[string][]byte) []byte {
	var b strings.Builder
	for name, body := range files {
		sum := sha256.Sum256(body)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	return []byte(b.String())
}

// release is a fake release of version v (no "v") with the given archives,
// each listed in the checksums file.
func release(tag string, archives map[string][]byte) *fakeRelease {
	num := strings.TrimPrefix(tag, "v")
	f := &fakeRelease{files: map[string][]byte{tag + "/uatrun_" + num + "_checksums.txt": checksums(archives)}}
	for name, b := range archives {
		f.files[tag+"/"+name] = b
	}
	return f
}

type installRun struct {
	out, dir, githubPath string
	code                 int
}

// runInstall runs the script as the action does, with the runner's
// variables.
func runInstall(t *testing.T, srv *httptest.Server, env []string, args ...string) installRun {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	tmp := t.TempDir()
	r := installRun{dir: filepath.Join(tmp, "uatrun-bin"), githubPath: filepath.Join(tmp, "github_path")}
	cmd := exec.Command("bash", append([]string{installScript}, args...)...)
	cmd.Env = append(os.Environ(), "RUNNER_TEMP="+tmp, "GITHUB_PATH="+r.githubPath, "UATRUN_RELEASES="+srv.URL,
		"RUNNER_OS=Linux", "RUNNER_ARCH=X64", "UATRUN_OS=", "UATRUN_ARCH=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	r.out = string(out)
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestActionInstall_GoodArchiveIsInstalledAndOnPath(t *testing.T) {
	rel := release("v1.4.2", map[string][]byte{
		"uatrun_1.4.2_linux_amd64.tar.gz":  tarGz(t, "uatrun", stubUatrun("v1.4.2")),
		"uatrun_1.4.2_darwin_arm64.tar.gz": tarGz(t, "uatrun", stubUatrun("v1.4.2")),
	})
	srv := httptest.NewServer(rel)
	defer srv.Close()
	r := runInstall(t, srv, nil, "v1.4.2")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.out)
	}
	got, err := exec.Command(filepath.Join(r.dir, "uatrun"), "version").Output()
	if err != nil || !strings.HasPrefix(string(got), "uatrun v1.4.2") {
		t.Errorf("installed binary: %q, %v", got, err)
	}
	if p, _ := os.ReadFile(r.githubPath); strings.TrimSpace(string(p)) != r.dir {
		t.Errorf("GITHUB_PATH has %q, want %q", p, r.dir)
	}
	if !strings.Contains(r.out, "matches uatrun_1.4.2_checksums.txt") {
		t.Errorf("no checksum line:\n%s", r.out)
	}
	// A version given without the v is the same release.
	if r := runInstall(t, srv, nil, "1.4.2"); r.code != 0 {
		t.Errorf("1.4.2: exit %d:\n%s", r.code, r.out)
	}
}

// A tampered archive is refused before anything is unpacked or installed.
func TestActionInstall_TamperedArchiveIsRefused(t *testing.T) {
	good := tarGz(t, "uatrun", stubUatrun("v1.4.2"))
	rel := release("v1.4.2", map[string][]byte{"uatrun_1.4.2_linux_amd64.tar.gz": good})
	rel.files["v1.4.2/uatrun_1.4.2_linux_amd64.tar.gz"] = tarGz(t, "uatrun", []byte("#!/bin/sh\necho \"uatrun v1.4.2\"\necho tampered\n"))
	srv := httptest.NewServer(rel)
	defer srv.Close()
	r := runInstall(t, srv, nil, "v1.4.2")
	if r.code != 1 || !strings.Contains(r.out, "checksum mismatch for uatrun_1.4.2_linux_amd64.tar.gz") {
		t.Fatalf("exit %d, want 1 with a checksum mismatch:\n%s", r.code, r.out)
	}
	if _, err := os.Stat(filepath.Join(r.dir, "uatrun")); err == nil {
		t.Error("a tampered binary was installed")
	}
	if p, _ := os.ReadFile(r.githubPath); len(p) > 0 {
		t.Errorf("GITHUB_PATH was changed: %q", p)
	}
}

func TestActionInstall_RefusesWhatItCannotVerify(t *testing.T) {
	arch := tarGz(t, "uatrun", stubUatrun("v1.4.2"))
	for _, tc := range []struct {
		name  string
		files map[string][]byte // on top of a good v1.4.2 release
		args  []string
		code  int
		want  string
	}{
		{"not released", nil, []string{"v9.9.9"}, 1, "could not download"},
		{"archive missing from checksums", map[string][]byte{"v1.4.2/uatrun_1.4.2_checksums.txt": []byte(strings.Repeat("0", 64) + "  uatrun_1.4.2_darwin_amd64.tar.gz\n")}, []string{"v1.4.2"}, 1, "lists no single SHA-256"},
		{"archive listed twice", map[string][]byte{"v1.4.2/uatrun_1.4.2_checksums.txt": append(checksums(map[string][]byte{"uatrun_1.4.2_linux_amd64.tar.gz": arch}), checksums(map[string][]byte{"uatrun_1.4.2_linux_amd64.tar.gz": arch})...)}, []string{"v1.4.2"}, 1, "lists no single SHA-256"},
		{"binary of another version", map[string][]byte{}, []string{"v1.4.3"}, 1, "not uatrun v1.4.3"},
		{"a commit is not a release", nil, []string{"46fe639b29facc77eaef71ddfe6028161c450e54"}, 2, "not a release version"},
		{"a branch is not a release", nil, []string{"main"}, 2, "not a release version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rel := release("v1.4.2", map[string][]byte{"uatrun_1.4.2_linux_amd64.tar.gz": arch})
			if tc.name == "binary of another version" {
				// v1.4.3's archive, correctly summed, holds a uatrun that says v1.4.2.
				rel = release("v1.4.3", map[string][]byte{"uatrun_1.4.3_linux_amd64.tar.gz": arch})
			}
			for k, v := range tc.files {
				rel.files[k] = v
			}
			srv := httptest.NewServer(rel)
			defer srv.Close()
			r := runInstall(t, srv, nil, tc.args...)
			if r.code != tc.code || !strings.Contains(r.out, tc.want) {
				t.Fatalf("exit %d, want %d with %q:\n%s", r.code, tc.code, tc.want, r.out)
			}
			if _, err := os.Stat(filepath.Join(r.dir, "uatrun")); err == nil {
				t.Error("uatrun was installed")
			}
		})
	}
}

// The runner's OS and architecture choose the archive: macOS on ARM64 the
// darwin/arm64 tarball, Windows the zip with uatrun.exe.
func TestActionInstall_RunnerPlatformChoosesTheArchive(t *testing.T) {
	win := zipOf(t, "uatrun.exe", stubUatrun("v2.0.0-rc.1"))
	rel := release("v2.0.0-rc.1", map[string][]byte{
		"uatrun_2.0.0-rc.1_darwin_arm64.tar.gz": tarGz(t, "uatrun", stubUatrun("v2.0.0-rc.1")),
		"uatrun_2.0.0-rc.1_windows_amd64.zip":   win,
		"uatrun_2.0.0-rc.1_linux_arm64.tar.gz":  tarGz(t, "uatrun", stubUatrun("v2.0.0-rc.1")),
	})
	srv := httptest.NewServer(rel)
	defer srv.Close()
	for _, tc := range []struct {
		env  []string
		want string
		bin  string
	}{
		{[]string{"RUNNER_OS=macOS", "RUNNER_ARCH=ARM64"}, "uatrun_2.0.0-rc.1_darwin_arm64.tar.gz", "uatrun"},
		{[]string{"RUNNER_OS=Linux", "RUNNER_ARCH=ARM64"}, "uatrun_2.0.0-rc.1_linux_arm64.tar.gz", "uatrun"},
		{[]string{"RUNNER_OS=Windows", "RUNNER_ARCH=X64"}, "uatrun_2.0.0-rc.1_windows_amd64.zip", "uatrun.exe"},
	} {
		if tc.bin == "uatrun.exe" {
			if _, err := exec.LookPath("unzip"); err != nil {
				t.Log("no unzip: the Windows archive is not unpacked here")
				continue
			}
		}
		r := runInstall(t, srv, tc.env, "v2.0.0-rc.1")
		if r.code != 0 {
			t.Errorf("%v: exit %d:\n%s", tc.env, r.code, r.out)
			continue
		}
		if last := rel.last(); last != "v2.0.0-rc.1/"+tc.want {
			t.Errorf("%v: fetched %s, want %s", tc.env, last, tc.want)
		}
		if _, err := os.Stat(filepath.Join(r.dir, tc.bin)); err != nil {
			t.Errorf("%v: %v", tc.env, err)
		}
	}
	r := runInstall(t, srv, []string{"RUNNER_OS=Linux", "RUNNER_ARCH=ARM"}, "v2.0.0-rc.1")
	if r.code != 2 || !strings.Contains(r.out, "no uatrun release for the architecture ARM") {
		t.Errorf("32-bit ARM: exit %d:\n%s", r.code, r.out)
	}
}

// actionStep is one step of action.yml.
type actionStep struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

func actionSteps(t *testing.T) []actionStep {
	t.Helper()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Runs struct {
			Steps []actionStep `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	return a.Runs.Steps
}

// The action downloads a release version and builds anything else: its
// first step's script, run here as the runner would, picks the mode;
// only the source mode sets up Go; the download step runs the script
// tested above.
func TestAction_ReleaseVersionDownloadsCommitBuilds(t *testing.T) {
	steps := actionSteps(t)
	var how *actionStep
	for i := range steps {
		if steps[i].ID == "how" {
			how = &steps[i]
		}
	}
	if how == nil {
		t.Fatal("action.yml has no step with id: how")
	}
	for _, tc := range []struct{ version, installed, mode string }{
		{"v0.5.0", "", "release"},
		{"0.5.0", "", "release"},
		{"v1.0.0-rc.2", "", "release"},
		{"46fe639b29facc77eaef71ddfe6028161c450e54", "", "source"},
		{"main", "", "source"},
		{"", "", "source"}, // latest, from the module proxy
		{"v0.5.0", "1", "installed"},
	} {
		tmp := t.TempDir()
		out := filepath.Join(tmp, "out")
		cmd := exec.Command("bash", "-c", how.Run)
		path := os.Getenv("PATH")
		if tc.installed != "" {
			os.WriteFile(filepath.Join(tmp, "uatrun"), stubUatrun("v0.5.0"), 0o755)
			path = tmp + string(os.PathListSeparator) + path
		}
		cmd.Env = append(os.Environ(), "UATRUN_VERSION="+tc.version, "GITHUB_OUTPUT="+out, "UATRUN_INSTALLED="+tc.installed, "PATH="+path)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%q: %v\n%s", tc.version, err, b)
		}
		got, _ := os.ReadFile(out)
		if !strings.Contains(string(got), "mode="+tc.mode+"\n") {
			t.Errorf("version %q (installed %q): %q, want mode=%s", tc.version, tc.installed, got, tc.mode)
		}
	}
	var download, setupGo, build bool
	for _, s := range steps {
		switch {
		case strings.Contains(s.Env["INSTALL_SH"], ".github/actions/install/install.sh"):
			download = s.If == "${{ steps.how.outputs.mode == 'release' }}" && strings.Contains(s.Run, `bash "$INSTALL_SH"`)
			if _, err := os.Stat("../../" + strings.TrimPrefix(s.Env["INSTALL_SH"], "${{ github.action_path }}/")); err != nil {
				t.Errorf("the download step runs %s: %v", s.Env["INSTALL_SH"], err)
			}
		case strings.HasPrefix(s.Uses, "actions/setup-go@"):
			setupGo = s.If == "${{ steps.how.outputs.mode == 'source' }}"
		case strings.Contains(s.Run, "go install"):
			build = s.If == "${{ steps.how.outputs.mode == 'source' }}"
		}
	}
	if !download || !setupGo || !build {
		t.Errorf("download only for a release %v, Go set up only to build from source %v, built only from source %v", download, setupGo, build)
	}
}

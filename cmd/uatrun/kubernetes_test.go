package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// examples/kubernetes is checked without a cluster: the manifests parse,
// every container is locked down, and the Job's pod is played here as the
// kubelet would run it — the keys init container, the app sidecar, then
// uatrun with the ConfigMap's config — with the manifests' own arguments,
// only the mount paths and loopback ports moved. The run must be a GO that
// `uatrun verify` of the evidence folder confirms.

type k8sContainer struct {
	Name            string   `yaml:"name"`
	Image           string   `yaml:"image"`
	Args            []string `yaml:"args"`
	RestartPolicy   string   `yaml:"restartPolicy"`
	StartupProbe    any      `yaml:"startupProbe"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
		Capabilities             struct {
			Drop []string `yaml:"drop"`
		} `yaml:"capabilities"`
	} `yaml:"securityContext"`
}

type k8sDoc struct {
	Kind     string                `yaml:"kind"`
	Metadata struct{ Name string } `yaml:"metadata"`
	Data     map[string]string     `yaml:"data"`
	Spec     struct {
		CompletionMode string `yaml:"completionMode"`
		Template       struct {
			Spec struct {
				HostNetwork     bool `yaml:"hostNetwork"`
				SecurityContext struct {
					RunAsNonRoot bool `yaml:"runAsNonRoot"`
				} `yaml:"securityContext"`
				InitContainers []k8sContainer `yaml:"initContainers"`
				Containers     []k8sContainer `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

func k8sManifests(t *testing.T) map[string]k8sDoc {
	t.Helper()
	files, _ := filepath.Glob("../../examples/kubernetes/*.yaml")
	if len(files) == 0 {
		t.Fatal("no manifests in examples/kubernetes")
	}
	docs := map[string]k8sDoc{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var d k8sDoc
			if err := dec.Decode(&d); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			docs[d.Kind+"/"+d.Metadata.Name] = d
		}
	}
	return docs
}

func TestKubernetesExample_LockedDownPods(t *testing.T) {
	docs := k8sManifests(t)
	for _, name := range []string{"Job/uat-fleet", "Job/uat-verify", "ConfigMap/uatrun-config", "PersistentVolumeClaim/uat-evidence"} {
		if _, ok := docs[name]; !ok {
			t.Errorf("no %s in examples/kubernetes", name)
		}
	}
	for name, d := range docs {
		if d.Kind != "Job" {
			continue
		}
		ps := d.Spec.Template.Spec
		if ps.HostNetwork || !ps.SecurityContext.RunAsNonRoot {
			t.Errorf("%s: hostNetwork %v, runAsNonRoot %v", name, ps.HostNetwork, ps.SecurityContext.RunAsNonRoot)
		}
		for _, c := range append(append([]k8sContainer{}, ps.InitContainers...), ps.Containers...) {
			sc := c.SecurityContext
			if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || !sc.ReadOnlyRootFilesystem || strings.Join(sc.Capabilities.Drop, ",") != "ALL" {
				t.Errorf("%s/%s: not locked down: %+v", name, c.Name, sc)
			}
			if !strings.HasPrefix(c.Image, "ghcr.io/uatrun/") {
				t.Errorf("%s/%s: image %s", name, c.Name, c.Image)
			}
		}
	}
	fleet := docs["Job/uat-fleet"].Spec.Template.Spec
	if docs["Job/uat-fleet"].Spec.CompletionMode != "Indexed" {
		t.Error("the fleet Job is not Indexed: runs would overwrite each other's evidence")
	}
	var app *k8sContainer
	for i, c := range fleet.InitContainers {
		if c.RestartPolicy == "Always" {
			app = &fleet.InitContainers[i]
		}
	}
	if app == nil || app.StartupProbe == nil {
		t.Fatal("the app is not a native sidecar with a startup probe: uatrun could start before it listens")
	}
	if len(fleet.Containers) != 1 || !strings.Contains(strings.Join(fleet.Containers[0].Args, " "), "--out=/evidence/uat-fleet-$(JOB_COMPLETION_INDEX)") {
		t.Errorf("uatrun does not write each index's evidence to its own folder: %v", fleet.Containers)
	}
	if v := docs["Job/uat-verify"].Spec.Template.Spec.Containers; len(v) != 1 || strings.Join(v[0].Args, " ") != "--no-color verify /evidence" {
		t.Errorf("the verify Job does not check the evidence folder: %+v", v)
	}
}

// freePort is a loopback port nothing listens on.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestKubernetesExample_PodRunsAGo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the full DANA suite against the example shop")
	}
	t.Parallel()
	docs := k8sManifests(t)
	job := docs["Job/uat-fleet"].Spec.Template.Spec
	tmp := t.TempDir()
	shopBin := oopBuildMerchants(t, oopModuleRoot(t))["dana-gapura"]
	// The pod's mounts and loopback ports, moved to this test's own.
	repl := strings.NewReplacer(
		"/keys", filepath.Join(tmp, "keys"), "/config", filepath.Join(tmp, "config"), "/evidence", filepath.Join(tmp, "evidence"),
		"$(JOB_COMPLETION_INDEX)", "0",
		"127.0.0.1:8080", freePort(t), "127.0.0.1:9080", freePort(t), "127.0.0.1:9081", freePort(t))
	moved := func(args []string) []string {
		out := make([]string, len(args))
		for i, a := range args {
			out[i] = repl.Replace(a)
		}
		return out
	}
	os.MkdirAll(filepath.Join(tmp, "config"), 0o755)
	os.MkdirAll(filepath.Join(tmp, "evidence"), 0o755)
	cfg := repl.Replace(docs["ConfigMap/uatrun-config"].Data["uatrun.yaml"])
	if err := os.WriteFile(filepath.Join(tmp, "config", "uatrun.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	var app k8sContainer
	for _, c := range job.InitContainers {
		switch {
		case c.RestartPolicy == "Always":
			app = c
		case strings.Contains(c.Image, "/uatrun:"):
			if out, _, code := uatrunEnv(t, tmp, nil, moved(c.Args)...); code != 0 {
				t.Fatalf("init container %s: exit %d\n%s", c.Name, code, out)
			}
		}
	}
	var shopLog bytes.Buffer
	shop := exec.Command(shopBin, moved(app.Args)...)
	shop.Stdout, shop.Stderr = &shopLog, &shopLog
	if err := shop.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { shop.Process.Kill(); shop.Wait() }()
	listen := strings.TrimPrefix(moved([]string{"--listen=127.0.0.1:8080"})[0], "--listen=")
	deadline := time.Now().Add(60 * time.Second) // the startup probe's 60 × 1 s
	for {
		c, err := net.Dial("tcp", listen)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app never listened on %s:\n%s", listen, shopLog.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	out, errOut, code := uatrunEnv(t, tmp, nil, moved(job.Containers[0].Args)...)
	if code != 0 {
		t.Fatalf("uatrun container: exit %d\n%s%s\napp log:\n%s", code, out, errOut, shopLog.String())
	}
	v, _, code := uatrunEnv(t, tmp, nil, moved(docs["Job/uat-verify"].Spec.Template.Spec.Containers[0].Args)...)
	if code != 0 || !strings.Contains(v, "uat-fleet-0/evidence.json") || !strings.Contains(v, "1 run: 1 GO") {
		t.Fatalf("verify of the evidence volume: exit %d\n%s", code, v)
	}
}

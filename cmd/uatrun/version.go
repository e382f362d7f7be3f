package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the build info (the module version go install
// records, or the VCS revision of a source build).
var version = ""

// Version returns uatrun's version: the module version when known, with
// the VCS revision (and "+dirty" for uncommitted changes) when the binary
// was built from a checkout, e.g. "v0.4.0" or "dev (a1b2c3d4e5f6+dirty)".
func Version() string {
	bi, _ := debug.ReadBuildInfo()
	return versionOf(version, bi)
}

func versionOf(set string, bi *debug.BuildInfo) string {
	v := set
	if v == "" && bi != nil && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	if v == "" {
		v = "dev"
	}
	if rev := revision(bi); rev != "" && !strings.Contains(v, rev) {
		v += " (" + rev + ")"
	}
	return v
}

// revision is the short VCS revision a binary was built from, "+dirty"
// when the tree had uncommitted changes; "" when unknown.
func revision(bi *debug.BuildInfo) string {
	if bi == nil {
		return ""
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print uatrun's version, VCS revision and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			bi, _ := debug.ReadBuildInfo()
			if global.json {
				out := map[string]string{"version": versionOf(version, bi), "revision": revision(bi), "go": runtime.Version()}
				if bi != nil {
					out["module"] = bi.Main.Path
				}
				return writeJSON(w, out)
			}
			fmt.Fprintln(w, "uatrun", versionOf(version, bi))
			if bi != nil && bi.Main.Path != "" {
				fmt.Fprintf(w, "module %s\n", bi.Main.Path)
			}
			fmt.Fprintf(w, "built with %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

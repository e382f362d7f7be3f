package testbuild

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// lockName is the lock file of builds with the given race flag, in the
// temporary directory every test process on the machine shares. Race and
// plain builds compile no package in common, so neither waits for the
// other.
func lockName(args []string) string {
	if slices.Contains(args, "-race") {
		return "uatrun-testbuild-race.lock"
	}
	return "uatrun-testbuild.lock"
}

// Go runs `go args…` in dir, bounded by limit (waiting for the lock
// included), one such build at a time on this machine. It returns the
// command's combined output; a failure names the command.
func Go(dir string, limit time.Duration, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	unlock, err := lock(ctx, filepath.Join(os.TempDir(), lockName(args)))
	if err != nil {
		return nil, err
	}
	defer unlock()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			err = errors.Join(err, ctx.Err())
		}
		return out, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return out, nil
}

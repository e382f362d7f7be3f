package merchant

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/evidence"
)

// stderrKeep bounds how much of a command's stderr is kept for the notes.
const stderrKeep = 4 << 10

// waitDelay bounds how long Do waits for a killed command's pipes to close
// (a grandchild may hold them open).
const waitDelay = 2 * time.Second

// runCommand runs a command action: the templated argv, no shell, stdout
// bounded and read as the JSON answer. Its environment is PATH and the
// variables the action declares, nothing else: a config is the
// merchant's, and whoever runs uatrun with it keeps their CI token and
// cloud keys.
func (d *Driver) runCommand(parent context.Context, a *action, vars map[string]any, rec *record) (Result, error) {
	argv, err := a.argv(vars)
	if err != nil {
		return rec.fail(Result{}, err)
	}
	rec.ex.Request = evidence.Message{Method: "EXEC", URL: rec.red.String(quoteArgv(argv))}
	ctx, cancel := context.WithTimeout(parent, a.timeout)
	defer cancel()
	stdout := &boundedBuffer{max: d.opts.MaxBody}
	stderr := &boundedBuffer{max: stderrKeep}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.WaitDelay = stdout, stderr, waitDelay
	cmd.Env = config.CommandEnv(a.env, d.opts.LookupEnv)
	runErr := cmd.Run()

	res := Result{Body: stdout.buf, ExitCode: exitCode(cmd, runErr)}
	err = commandError(parent, ctx, runErr, argv[0], a.timeout, res.ExitCode, stderr.buf)
	if err == nil {
		res.Status = exitStatus(res.ExitCode)
	}
	rec.response(res.Status, nil, stdout.buf, stdout.truncated)
	rec.note(exitNote(res.ExitCode, err == nil))
	if s := strings.TrimSpace(string(stderr.buf)); s != "" {
		rec.note("stderr: " + clip(s, clipLen))
	}
	if err != nil {
		return rec.fail(res, err)
	}
	if stdout.truncated {
		return rec.fail(res, fmt.Errorf("%w: command %s: answer larger than %d bytes", ErrTooLarge, argv[0], d.opts.MaxBody))
	}
	return d.finish(a, res, rec)
}

// A command answers through its exit status, so a scenario judges it
// exactly like an HTTP action: exit 0 is a 2xx answer, exit 1 (ExitRefused)
// is the merchant refusing the request, a 4xx answer; both carry stdout as
// the answer body. Every other outcome (not found, killed at its timeout,
// any other exit status) means the command itself failed, and the run
// cannot judge the merchant from it.
const (
	ExitRefused = 1
	// StatusAnswered is the status exit 0 stands for.
	StatusAnswered = http.StatusOK
	// StatusRefused is the status a refusal stands for: exit 1, or an
	// answer the action's refused_when reads as a refusal.
	StatusRefused = http.StatusUnprocessableEntity
)

// exitStatus is the HTTP status a judged exit status stands for.
func exitStatus(code int) int {
	if code == ExitRefused {
		return StatusRefused
	}
	return StatusAnswered
}

func exitNote(code int, judged bool) string {
	switch {
	case !judged:
		return fmt.Sprintf("exit status %d", code)
	case code == ExitRefused:
		return fmt.Sprintf("exit status %d: the merchant refused, judged as a %d answer", code, StatusRefused)
	}
	return fmt.Sprintf("exit status %d: answered, judged as a %d answer", code, StatusAnswered)
}

func exitCode(cmd *exec.Cmd, err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if cmd.ProcessState != nil {
		return cmd.ProcessState.ExitCode()
	}
	return 0
}

// commandError classifies a run: cancelled, timed out, not startable
// (like an unreachable merchant) or an exit status that is no answer. A
// clean exit 0 or 1 is an answer, so nil.
func commandError(parent, ctx context.Context, err error, prog string, timeout time.Duration, code int, stderr []byte) error {
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	switch {
	case errors.Is(parent.Err(), context.Canceled):
		return fmt.Errorf("command %s: run cancelled: %w", prog, parent.Err())
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w: command %s did not finish within %s", ErrTimeout, prog, timeout)
	case errors.As(err, &ee) && code == ExitRefused:
		return nil
	case errors.As(err, &ee):
		msg := strings.TrimSpace(string(stderr))
		if msg == "" {
			msg = "no stderr"
		}
		return fmt.Errorf("%w: command %s exited with status %d, which is no answer (exit 0 answers, exit 1 refuses; any other status means the command itself failed): %s",
			ErrCommandFailed, prog, code, clip(msg, clipLen))
	default:
		return fmt.Errorf("%w: command %s cannot run: %v", ErrUnreachable, prog, err)
	}
}

// boundedBuffer keeps the first max bytes and drains the rest, so a chatty
// command never blocks on a full pipe nor grows memory without bound.
type boundedBuffer struct {
	max       int64
	buf       []byte
	truncated bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	room := b.max - int64(len(b.buf))
	if room <= 0 {
		b.truncated = b.truncated || len(p) > 0
		return len(p), nil
	}
	if int64(len(p)) > room {
		b.buf = append(b.buf, p[:room]...)
		b.truncated = true
		return len(p), nil
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

package merchant

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
)

// runHTTP sends an HTTP action and reads its bounded answer.
func (d *Driver) runHTTP(parent context.Context, a *action, vars map[string]any, rec *record) (Result, error) {
	ctx, cancel := context.WithTimeout(parent, a.timeout)
	defer cancel()
	req, body, err := a.request(ctx, d.base, vars)
	if err != nil {
		return rec.fail(Result{}, err)
	}
	rec.request(req, body)
	what := req.Method + " " + rec.ex.Request.URL
	resp, err := d.opts.Client.Do(req)
	if err != nil {
		return rec.fail(Result{}, transportError(parent, err, what, a.timeout))
	}
	defer resp.Body.Close()
	res := Result{Status: resp.StatusCode}
	b, truncated, err := readBounded(resp.Body, d.opts.MaxBody)
	res.Body = b
	rec.response(resp.StatusCode, resp.Header, b, truncated)
	switch {
	case truncated:
		return rec.fail(res, fmt.Errorf("%w: %s: answer larger than %d bytes", ErrTooLarge, what, d.opts.MaxBody))
	case err != nil:
		return rec.fail(res, transportError(parent, err, what+" (reading the answer)", a.timeout))
	}
	return d.finish(a, res, rec)
}

// transportError maps a client error to ErrTimeout or ErrUnreachable, or to
// the caller's cancellation when the run itself was stopped.
func transportError(parent context.Context, err error, what string, timeout fmt.Stringer) error {
	if errors.Is(parent.Err(), context.Canceled) {
		return fmt.Errorf("%s: run cancelled: %w", what, parent.Err())
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w: %s did not answer within %s", ErrTimeout, what, timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is already in what, redacted
	}
	return fmt.Errorf("%w: %s: %v (is the merchant app running and is base_url right?)", ErrUnreachable, what, err)
}

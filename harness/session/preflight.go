package session

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// PreflightTimeout bounds each preflight request.
const PreflightTimeout = 5 * time.Second

// Preflight checks, before the first scenario, that the merchant answers
// at merchant.base_url (any HTTP answer counts, even 404) and, when the
// config fixes one, that the notify URL does too. A run against an app
// that is not up would otherwise end in one identical ERRORED verdict per
// scenario; this says it once, with the fix.
func (s *Session) Preflight(ctx context.Context) error {
	cfg := s.o.Config
	if base := cfg.Merchant.BaseURL; base != "" {
		if err := answers(ctx, base); err != nil {
			return fmt.Errorf("the merchant does not answer at merchant.base_url %s: %v; start your app first (and check it listens on that address), or correct merchant.base_url in the config", base, err)
		}
	}
	if notify := cfg.Gateway.NotifyURL; notify != "" {
		if err := answers(ctx, notify); err != nil {
			return fmt.Errorf("the merchant does not answer at gateway.notify_url %s: %v; the emulator could deliver no notify there: start your app or correct gateway.notify_url", notify, err)
		}
	}
	return nil
}

// answers reports whether anything answers HTTP at rawURL.
func answers(ctx context.Context, rawURL string) error {
	ctx, cancel := context.WithTimeout(ctx, PreflightTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return nil
}

package clock

import "context"

type ctxKey struct{}

// NewContext carries c in ctx: what a scenario step does on the
// scenario's behalf (a merchant action it calls) is stamped with the
// scenario's own test clock, even while another scenario's clock is
// current.
func NewContext(ctx context.Context, c Clock) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// FromContext is the clock NewContext put in ctx, or fallback.
func FromContext(ctx context.Context, fallback Clock) Clock {
	if ctx != nil {
		if c, ok := ctx.Value(ctxKey{}).(Clock); ok && c != nil {
			return c
		}
	}
	return fallback
}

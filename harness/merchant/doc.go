// Package merchant drives the merchant's app the way a shopper or an
// operator would: each action named in the config is an HTTP request
// template against the merchant's base URL, or a command whose stdout is a
// JSON answer.
//
// Every template (path, query, headers, JSON string leaves, form values,
// command arguments) is parsed once by New, so a typo is reported before a
// scenario runs, with the action's name and config position. Templates are
// Go text/template over the scenario's variables with missingkey=error: a
// variable the scenario never captured is an error that names it, never an
// empty string sent to the merchant. Values are inserted verbatim; use the
// built-in urlquery function where a value may need escaping.
//
// Do always returns a recorded evidence.Exchange, redacted, even when the
// merchant is unreachable, too slow, answers too much or answers something
// that is not JSON; the error says which through a sentinel (ErrUnreachable,
// ErrTimeout, ErrNotJSON, ErrCapture, …) so the engine can tell a merchant
// that broke a rule (FAILED) from a run that could not judge (ERRORED).
package merchant

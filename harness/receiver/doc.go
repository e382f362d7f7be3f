// Package receiver is uatrun's embedded callback receiver: a small gin
// server that records every request the merchant sends to uatrun itself
// (its own webhooks, the shopper's PAY_RETURN redirects) with method, path,
// query, headers, raw body and arrival stamps on the real and the virtual
// clock.
//
// It records everything and never drops a surprise: a request whose path
// matches none of the Expect patterns is answered 404, flagged Unexpected
// and listed by Unexpected() for the verdict. Bodies are bounded (413 above
// MaxBody, with the first MaxBody bytes still recorded) and so is the time
// a sender may take. Credential headers and registered secrets are
// redacted as each callback is captured, so neither memory, evidence nor
// the optional JSONL journal ever holds them.
//
// WaitFor blocks until a matching callback has arrived, waking on each
// arrival rather than polling; the journal is appended line by line as
// callbacks arrive so a killed run leaves it readable with ReadJournal.
package receiver

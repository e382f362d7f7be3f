// Package evidence is uatrun's one run model: run metadata, scenarios with
// verdicts, steps with expected-versus-actual checks, and every HTTP exchange
// in both directions. JSON is its lossless form; every report is a
// projection of it. A Redactor scrubs secrets before anything is recorded.
//
// While a run goes, a Journal appends one JSON event per line so that a
// killed run still leaves readable evidence (ReadJournal rebuilds it). Each
// record carries the SHA-256 of the record before it; the run records the
// chain's head, so its seal pins the whole journal. When it ends, Seal
// records the SHA-256 of the run's canonical bytes (and an optional Ed25519
// signature), MarshalEvidence writes evidence.json in one exact form, and
// Verify detects any change to that file, down to a byte, and any summary
// or verdict that contradicts the scenarios it seals.
//
// What that proves depends on the key (docs/evidence.md): a digest or a
// signature by a key the file carries can be remade by whoever holds the
// file; only VerifyWith and a pinned key the run's operator does not share
// prove who sealed it.
package evidence

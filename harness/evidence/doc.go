// Package evidence is uatrun's one run model: run metadata, scenarios with
// verdicts, steps with expected-versus-actual checks, and every HTTP exchange
// in both directions. JSON is its lossless form; every report is a
// projection of it. A Redactor scrubs secrets before anything is recorded.
//
// While a run goes, a Journal appends one JSON event per line so that a
// killed run still leaves readable evidence (ReadJournal rebuilds it). When
// it ends, Seal records the SHA-256 of the run's canonical bytes (and an
// optional Ed25519 signature), MarshalEvidence writes evidence.json in one
// exact form, and Verify detects any change to that file, down to a byte.
package evidence

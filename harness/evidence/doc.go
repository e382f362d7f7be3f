// Package evidence is uatrun's one run model: run metadata, scenarios with
// verdicts, steps with expected-versus-actual checks, and every HTTP exchange
// in both directions. JSON is its lossless form; every report is a
// projection of it. A Redactor scrubs secrets before anything is recorded.
package evidence

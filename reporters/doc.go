// Package reporters projects one evidence.Run into the files a run leaves
// behind: evidence.json (the lossless, sealed record `uatrun verify`
// checks), junit.xml (for CI), evidence.html (the self-contained sign-off
// document a gateway reviewer accepts, printable to PDF) and evidence.md
// (a short summary for a pull-request comment or a GitHub step summary).
//
// Every format is a pure function of the run: no map order and no clock
// reading leaks into the output except the generation time passed in
// Options.Now, so golden files are stable.
package reporters

package main

import (
	"io"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/gomega"

	"github.com/uatrun/uatrun/harness/session"
	"github.com/uatrun/uatrun/suites"
)

// silentT satisfies Ginkgo's testing interface outside `go test`; the
// verdicts come from the session, not from this.
type silentT struct{}

func (silentT) Fail() {}

// runSuite runs the session's scenarios through the Ginkgo suite in
// process (the same tree `go test ./suites/...` runs), with Ginkgo's own
// console reporter silenced in favour of uatrun's progress lines. Ginkgo
// allows one suite per process, which is all a CLI invocation needs.
func runSuite(s *session.Session, failFast bool) {
	formatter.ColorableStdOut = io.Discard
	gomega.RegisterFailHandler(ginkgo.Fail)
	suites.Build(s)
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.FailFast = failFast
	rc.NoColor, rc.Succinct = true, true
	ginkgo.RunSpecs(silentT{}, "uatrun", sc, rc)
}

// finish writes the evidence, prints the summary and returns the exit error.
func finish(s *session.Session, p *printer) error {
	out, err := s.Finish()
	if err != nil {
		return harnessErr(err)
	}
	p.summary(out.Run, out.Files)
	if out.ExitCode != exitOK {
		return &exitError{out.ExitCode, nil}
	}
	return nil
}

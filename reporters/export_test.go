package reporters

// Helpers for the external tests in package reporters_test (which may
// import packages that import reporters, such as harness/demo).
var (
	FindChromium = findChromium
	PrintPages   = printPages
	ArtifactsDir = artifactsDir
)

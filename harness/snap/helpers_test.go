package snap

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// testKey is one RSA-2048 key shared by the tests in this package:
// generating keys is the slowest thing they do.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, MinKeyBits)
	if err != nil {
		panic(err)
	}
	return k
})

// needOpenSSL returns the openssl binary or skips; CI sets
// UATRUN_REQUIRE_OPENSSL=1 so the cross-checks can never be skipped there.
func needOpenSSL(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("UATRUN_REQUIRE_OPENSSL") == "1" {
			t.Fatal("openssl not found and UATRUN_REQUIRE_OPENSSL=1")
		}
		t.Skip("openssl not installed; set UATRUN_REQUIRE_OPENSSL=1 to make this a failure")
	}
	return bin
}

// openssl runs the binary with stdin and returns stdout, failing the test
// with stderr on a non-zero exit.
func openssl(t *testing.T, bin string, stdin []byte, args ...string) []byte {
	t.Helper()
	out, err := opensslErr(bin, stdin, args...)
	if err != nil {
		t.Fatalf("openssl %v: %v", args, err)
	}
	return out
}

func opensslErr(bin string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command(bin, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%w: %s", err, stderr.String())
	}
	return out, nil
}

package emulator

import (
	"crypto/rsa"
	"sync"

	"github.com/uatrun/uatrun/harness/snap"
)

// SendCopies sends n copies of one callback through send (numbered from 1)
// and returns their deliveries in copy order: one after another, or all at
// once when concurrent, so the copies race the merchant's exactly-once
// guard.
func SendCopies(n int, concurrent bool, send func(copy int) Delivery) []Delivery {
	out := make([]Delivery, n)
	if !concurrent {
		for i := range n {
			out[i] = send(i + 1)
		}
		return out
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = send(i + 1)
		}()
	}
	wg.Wait()
	return out
}

var (
	untrustedOnce sync.Once
	untrustedKey  *rsa.PrivateKey
)

// UntrustedKey is an RSA key no merchant trusts, made once per process:
// it signs the wrong-key notify variants.
func UntrustedKey() *rsa.PrivateKey {
	untrustedOnce.Do(func() { untrustedKey, _ = snap.GenerateKey() })
	return untrustedKey
}

package keys

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/uatrun/uatrun/harness/snap"
)

// File is one file Generate wrote.
type File struct {
	Path    string // where it was written
	Role    string // "merchant" or "gateway": whose key it is
	Purpose string // one line saying where the file goes
}

// Modes of the files written. Private keys are readable by their owner
// only; public halves are meant to be copied around.
const (
	PrivateMode fs.FileMode = 0o600
	PublicMode  fs.FileMode = 0o644
	DirMode     fs.FileMode = 0o700
)

// plan describes one file before it is written.
type plan struct {
	name, role, purpose string
	private             bool
}

var plans = []plan{
	{"merchant.pem", "merchant", "your integration signs its requests with this (keep it secret)", true},
	{"merchant.pub.pem", "merchant", "uatrun verifies your X-SIGNATURE with this (gateway.merchant_public_key)", false},
	{"gateway.pem", "gateway", "uatrun's emulator signs notifies with this (gateway.gateway_private_key)", true},
	{"gateway.pub.pem", "gateway", "your integration verifies notifies with this instead of DANA's public key", false},
}

// Generate writes fresh RSA-2048 pairs for the merchant and gateway roles
// into dir: merchant.pem and gateway.pem (PKCS#8, mode 0600) and
// merchant.pub.pem and gateway.pub.pem (PKIX). It creates dir (0700) when
// missing. If any of the four files already exists it writes nothing and
// its error names that file.
func Generate(dir string) ([]File, error) {
	if err := refuseExisting(dir); err != nil {
		return nil, err
	}
	contents, err := render()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	return writeAll(dir, contents)
}

// refuseExisting checks every target before anything is generated, so a
// refusal leaves the directory exactly as it was.
func refuseExisting(dir string) error {
	for _, p := range plans {
		path := filepath.Join(dir, p.name)
		_, err := os.Lstat(path)
		if err == nil {
			return fmt.Errorf("%s already exists; uatrun keys never overwrites a key: move it away or choose another --out directory", path)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("check %s: %w", path, err)
		}
	}
	return nil
}

// render generates both pairs and returns the PEM text per plan, in order.
func render() ([][]byte, error) {
	var out [][]byte
	for _, role := range []string{"merchant", "gateway"} {
		key, err := snap.GenerateKey()
		if err != nil {
			return nil, fmt.Errorf("generate %s key: %w", role, err)
		}
		priv, pub, err := pair(key)
		if err != nil {
			return nil, fmt.Errorf("encode %s key: %w", role, err)
		}
		out = append(out, priv, pub)
	}
	return out, nil
}

func pair(key *rsa.PrivateKey) (priv, pub []byte, err error) {
	if priv, err = snap.MarshalPrivateKeyPEM(key); err != nil {
		return nil, nil, err
	}
	if pub, err = snap.MarshalPublicKeyPEM(&key.PublicKey); err != nil {
		return nil, nil, err
	}
	return priv, pub, nil
}

// writeAll writes each file with O_EXCL (so a file that appeared since the
// check is still never clobbered) and removes what it wrote if any write
// fails: either all four files exist afterwards or none of ours do.
func writeAll(dir string, contents [][]byte) ([]File, error) {
	var written []File
	for i, p := range plans {
		path := filepath.Join(dir, p.name)
		mode := PublicMode
		if p.private {
			mode = PrivateMode
		}
		if err := writeNew(path, contents[i], mode); err != nil {
			for _, f := range written {
				os.Remove(f.Path)
			}
			return nil, err
		}
		written = append(written, File{Path: path, Role: p.role, Purpose: p.purpose})
	}
	return written, nil
}

func writeNew(path string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; uatrun keys never overwrites a key: move it away or choose another --out directory", path)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The umask may have narrowed the mode; Chmod makes it exact, which
	// matters for public keys that other tools must read.
	if err := f.Chmod(mode); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

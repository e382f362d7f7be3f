package config

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/uatrun/uatrun/harness/evidence"
	"github.com/uatrun/uatrun/harness/snap"
)

// fixKeys is the remedy for a missing DANA key file.
const fixKeys = "run uatrun keys --out keys next to this config, or correct the path"

// checkFiles reads every key file the config names (after resolve), so a
// wrong path or a wrong kind of key fails before anything runs, at the
// line that names it.
func (d *decoder) checkFiles(c *Config) {
	g := c.Gateway
	if g.MerchantPublicKey != "" && d.exists("gateway.merchant_public_key", g.MerchantPublicKey) {
		_, err := loadKey(g.MerchantPublicKey, snap.ParsePublicKey)
		d.keyError("gateway.merchant_public_key", err)
	}
	var priv *rsa.PrivateKey
	if g.GatewayPrivateKey != "" && d.exists("gateway.gateway_private_key", g.GatewayPrivateKey) {
		var err error
		priv, err = loadKey(g.GatewayPrivateKey, snap.ParsePrivateKey)
		d.keyError("gateway.gateway_private_key", err)
	}
	if g.GatewayPublicKey != "" && d.exists("gateway.gateway_public_key", g.GatewayPublicKey) {
		pub, err := loadKey(g.GatewayPublicKey, snap.ParsePublicKey)
		d.keyError("gateway.gateway_public_key", err)
		if err == nil && priv != nil && !pub.Equal(&priv.PublicKey) {
			d.fileError("gateway.gateway_public_key", "omit it (uatrun derives it from gateway_private_key) or point it at the matching gateway.pub.pem",
				"gateway.gateway_public_key is not the public half of gateway.gateway_private_key")
		}
	}
	if k := c.Report.SigningKey; k != "" && d.exists("report.signing_key", k) {
		_, err := c.SigningKey()
		d.keyError("report.signing_key", err)
	}
}

// loadKey reads a key file the bounded, regular-file-only way (a FIFO or
// /dev/zero named as a key is refused at once) and parses it.
func loadKey[K any](path string, parse func([]byte) (K, error)) (K, error) {
	var zero K
	data, err := evidence.ReadFileBounded(path, evidence.MaxKeyFile)
	if err != nil {
		return zero, err
	}
	k, err := parse(data)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// exists reports a missing file at the setting that names it.
func (d *decoder) exists(path, file string) bool {
	_, err := os.Stat(file)
	switch {
	case err == nil:
		return true
	case errors.Is(err, fs.ErrNotExist):
		d.fileError(path, fixKeys, "%s: %s does not exist", path, file)
	default:
		d.fileError(path, "check the file's permissions", "%s: %v", path, err)
	}
	return false
}

// keyError reports a key that did not load. snap's messages already end
// with a remedy ("…; export the public half: openssl pkey …"), so the
// remedy is split off into Fix where it is.
func (d *decoder) keyError(path string, err error) {
	if err == nil {
		return
	}
	msg, fix, _ := strings.Cut(err.Error(), "; ")
	d.fileError(path, fix, "%s: %s", path, msg)
}

func (d *decoder) fileError(path, fix, format string, args ...any) {
	line, col := 0, 0
	if n := d.vals[path]; n != nil {
		line, col = n.Line, n.Column
	}
	d.errorAt(line, col, fix, format, args...)
}

// checkSigningKey accepts only an ed25519 PKCS#8 PEM, the evidence
// signature's key type.
func checkSigningKey(path string, data []byte) error {
	block, _ := pem.Decode(data)
	if block == nil {
		return errors.New(path + " is not PEM; make one with: openssl genpkey -algorithm ed25519 -out signing.pem")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if _, ok := k.(ed25519.PrivateKey); err != nil || !ok {
		return errors.New(path + " is not an ed25519 PKCS#8 private key; make one with: openssl genpkey -algorithm ed25519 -out signing.pem")
	}
	return nil
}

package danawidget

import "crypto/rsa"

type rsaKey struct{ *rsa.PrivateKey }

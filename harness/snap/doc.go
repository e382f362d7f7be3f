// Package snap holds the BI-SNAP crypto uatrun speaks, byte for byte:
//
//   - the three string-to-sign schemes: asymmetric
//     "METHOD:relativePath:lowerhex(sha256(minified body)):X-TIMESTAMP",
//     token "clientKey|X-TIMESTAMP", and symmetric
//     "METHOD:path:accessToken:lowerhex(sha256(minified body)):X-TIMESTAMP";
//   - RSA-SHA256 (PKCS#1 v1.5) and HMAC-SHA512 signatures in standard base64;
//   - Minify, which compacts received bytes without reordering keys or
//     re-escaping strings (SDKs send a trailing newline and sorted keys, so
//     the only safe form to hash is the received bytes, compacted);
//   - X-TIMESTAMP in Jakarta time, telling a missing header from a malformed
//     one because gateways answer them with different response codes;
//   - RSA key loading from PKCS#1, PKCS#8, PKIX PEM or bare base64.
//
// The package has no state and no dependencies beyond the standard library.
package snap

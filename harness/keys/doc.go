// Package keys writes the RSA key pairs a DANA-style integration needs to
// run against uatrun: the merchant's pair (the merchant signs its requests,
// uatrun verifies them) and the emulated gateway's pair (uatrun signs
// notifies, the merchant verifies them). It is the backend of
// `uatrun keys --out DIR`.
//
// Generate never overwrites: a key someone already registered with a
// gateway portal is worth more than the convenience of regenerating it.
package keys

// Package hostile holds the probes the emulators' and the receiver's
// tests send as an attacker would: nesting bombs, and a concurrent burst
// whose memory cost is measured from the runtime's own statistics rather
// than from time.
package hostile

// Package clock is the narrow time interface uatrun injects everywhere a
// gateway timer lives (order expiry, the 24 h cancel window, notify retries).
//
// Real is the wall clock. Fake is the virtual clock scenarios advance: Advance
// and Set run every callback that falls due, synchronously and in due order,
// so a test never sleeps in real time to see a gateway timer fire.
package clock

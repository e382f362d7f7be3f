// Package clock is the narrow time interface uatrun injects everywhere a
// gateway timer lives (order expiry, the 24 h cancel window, notify retries).
//
// Real is the wall clock. Fake is a virtual clock: Advance and Set run every
// callback that falls due, synchronously and in due order, so a test never
// sleeps in real time to see a gateway timer fire. TestClocks gives each
// scenario its own Fake that starts at the wall clock; gateway state created
// during a scenario stays on that scenario's clock.
//
// Two clocks meet at every emulator: the test clock (when gateway timers
// fire) and the wall clock (every time a merchant sends or receives, since
// a merchant's app cannot time-travel).
package clock

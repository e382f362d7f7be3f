// Package emulator holds what every gateway emulator shares: the Gateway
// interface the scenario engine drives, the records of the merchant's calls
// and of notify deliveries, and the plumbing each gateway would otherwise
// repeat:
//
//   - Host and Server: the httptest-style lifecycle (Start/URL/Close),
//     bound to 127.0.0.1 by default;
//   - Recorder: the exchange and call logs, redacted, size-capped and
//     stamped with both clocks;
//   - Send, Recorder.Deliver and Retries: one callback to the merchant with
//     a bounded read of its answer, and retries on the virtual clock;
//   - ActionSet and Control: action and param checking, and the /_uatrun/
//     control API's JSON answers.
//
// Each gateway lives in its own subpackage (dana, midtrans, astapa,
// purwantara) and speaks that gateway's exact dialect: its headers,
// signatures, answer shapes and what counts as an acknowledgement stay
// there.
package emulator

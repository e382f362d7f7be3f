// Package jobqueue is the queue-based design the reference merchants can
// run in (their --queue-delay mode): a notify or webhook handler
// authenticates, acknowledges and enqueues, and one worker books the jobs
// in arrival order, each no sooner than a delay after it was enqueued.
// The merchants' exactly-once rules stay in their databases, so the queue
// adds lag, never a second fulfilment. It exists to prove that a correct
// merchant of that design passes every pack.
//
// The handler has already answered the gateway with success when a job
// runs, so the gateway will not send that notification again: a job that
// fails for a reason that may pass is run again after a backoff (Retry),
// and only a Permanent failure, or one that outlasts the retries, is
// dropped and reported.
package jobqueue

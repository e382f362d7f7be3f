package jobqueue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Capacity bounds the jobs waiting; beyond it Add refuses, and the
// merchant answers the gateway with an error the gateway retries.
const Capacity = 1024

// Retry bounds the queue's own retries of a job that failed for a
// reason that may pass (a busy database, a status query that timed out).
// The notification was acknowledged when the job was queued, so the
// gateway will not send it again: a job dropped on a transient failure
// is a payment the merchant never books.
var Retry = struct {
	Attempts int           // runs in all, the first included
	First    time.Duration // wait before the second run; doubles after
	Max      time.Duration // longest wait between runs
}{Attempts: 8, First: 50 * time.Millisecond, Max: time.Second}

// Job does one piece of queued work. A nil error is done; an error is
// tried again later (see Retry) unless it is Permanent.
type Job func(context.Context) error

// Permanent marks an error that another try cannot mend (the order is
// unknown, the amount differs): the job is dropped at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Queue runs jobs one by one, each no sooner than its delay after Add,
// and runs a job that failed again after a backoff.
type Queue struct {
	delay time.Duration
	jobs  chan job
	stop  chan struct{}
	wg    sync.WaitGroup

	mu      sync.RWMutex
	closed  bool
	dropped func(error) // told of each job given up on; may be nil
}

type job struct {
	due     time.Time
	run     Job
	attempt int // runs so far
}

// New starts a queue whose worker runs each job delay after it was
// added. dropped, when not nil, is told of every job the queue gives up
// on, with the job's last error.
func New(delay time.Duration, dropped func(error)) *Queue {
	q := &Queue{delay: delay, jobs: make(chan job, Capacity), stop: make(chan struct{}), dropped: dropped}
	q.wg.Add(1)
	go q.work()
	return q
}

// LogDrops is a dropped func for New that logs each job given up on, so
// its payment is left, visibly, to the merchant's reconciliation.
func LogDrops(log *slog.Logger) func(error) {
	return func(err error) { log.Error("queued job dropped", "err", err) }
}

// Add enqueues run; false when the queue is full or closed.
func (q *Queue) Add(run Job) bool {
	return q.put(job{due: time.Now().Add(q.delay), run: run})
}

func (q *Queue) put(j job) bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return false
	}
	select {
	case q.jobs <- j:
		return true
	default:
		return false
	}
}

func (q *Queue) work() {
	defer q.wg.Done()
	for {
		select {
		case <-q.stop:
			return
		case j := <-q.jobs:
			if !q.wait(j.due) {
				return
			}
			q.run(j)
		}
	}
}

// wait sleeps until due; false when the queue closed meanwhile.
func (q *Queue) wait(due time.Time) bool {
	t := time.NewTimer(time.Until(due))
	defer t.Stop()
	select {
	case <-q.stop:
		return false
	case <-t.C:
		return true
	}
}

// run runs j once and, when it failed for a reason that may pass, queues
// it again behind the jobs already waiting, due after its backoff.
func (q *Queue) run(j job) {
	err := j.run(context.Background())
	j.attempt++
	if err == nil {
		return
	}
	if IsPermanent(err) || j.attempt >= Retry.Attempts {
		q.drop(err)
		return
	}
	j.due = time.Now().Add(backoff(j.attempt))
	if !q.put(j) {
		q.drop(err)
	}
}

func (q *Queue) drop(err error) {
	if q.dropped != nil {
		q.dropped(err)
	}
}

// backoff is the wait after the attempt-th failed run.
func backoff(attempt int) time.Duration {
	d := Retry.First
	for range attempt - 1 {
		d *= 2
		if d >= Retry.Max {
			return Retry.Max
		}
	}
	return d
}

// Close stops the worker once its current job is done, without waiting
// out the delay of the jobs still queued (they are dropped, as a crashed
// worker's would be: the merchant's reconciliation books them).
func (q *Queue) Close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.stop)
	}
	q.mu.Unlock()
	q.wg.Wait()
}

// HTTPStatus turns a handler's answer into a job's result, for merchants
// whose queued work is their in-request handler: below 300 is done, 4xx is
// Permanent (another try gets the same answer), 5xx is tried again.
func HTTPStatus(code int, msg string) error {
	switch {
	case code < 300:
		return nil
	case code < 500:
		return Permanent(fmt.Errorf("%d %s", code, msg))
	default:
		return fmt.Errorf("%d %s", code, msg)
	}
}

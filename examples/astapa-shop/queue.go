package astapashop

import (
	"context"
	"sync"
	"time"
)

// jobQueue is the queue-based design many shops use for notifies: the web
// handler confirms the webhook, acknowledges and enqueues, and one worker books
// the jobs in arrival order, each no sooner than delay after it was
// enqueued. The exactly-once rules stay in the database, so the queue adds
// lag, never a second fulfilment.
type jobQueue struct {
	delay time.Duration
	jobs  chan queuedJob
	stop  chan struct{}
	wg    sync.WaitGroup

	mu     sync.RWMutex
	closed bool
}

type queuedJob struct {
	due time.Time
	run func(context.Context)
}

// queueCapacity bounds jobs waiting; beyond it a webhook is answered
// 503 and Astapa retries it.
const queueCapacity = 1024

func newJobQueue(delay time.Duration) *jobQueue {
	q := &jobQueue{delay: delay, jobs: make(chan queuedJob, queueCapacity), stop: make(chan struct{})}
	q.wg.Add(1)
	go q.work()
	return q
}

// add enqueues run; false when the queue is full or closed.
func (q *jobQueue) add(run func(context.Context)) bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return false
	}
	select {
	case q.jobs <- queuedJob{due: time.Now().Add(q.delay), run: run}:
		return true
	default:
		return false
	}
}

func (q *jobQueue) work() {
	defer q.wg.Done()
	for {
		select {
		case <-q.stop:
			return
		case j := <-q.jobs:
			t := time.NewTimer(time.Until(j.due))
			select {
			case <-q.stop:
				t.Stop()
				return
			case <-t.C:
			}
			j.run(context.Background())
		}
	}
}

// close stops the worker once its current job is done.
func (q *jobQueue) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.stop)
	}
	q.mu.Unlock()
	q.wg.Wait()
}

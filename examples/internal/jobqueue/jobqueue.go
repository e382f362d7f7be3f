package jobqueue

import (
	"context"
	"sync"
	"time"
)

// Capacity bounds the jobs waiting; beyond it Add refuses, and the
// merchant answers the gateway with an error the gateway retries.
const Capacity = 1024

// Queue runs jobs one by one, each no sooner than its delay after Add.
type Queue struct {
	delay time.Duration
	jobs  chan job
	stop  chan struct{}
	wg    sync.WaitGroup

	mu     sync.RWMutex
	closed bool
}

type job struct {
	due time.Time
	run func(context.Context)
}

// New starts a queue whose worker runs each job delay after it was added.
func New(delay time.Duration) *Queue {
	q := &Queue{delay: delay, jobs: make(chan job, Capacity), stop: make(chan struct{})}
	q.wg.Add(1)
	go q.work()
	return q
}

// Add enqueues run; false when the queue is full or closed.
func (q *Queue) Add(run func(context.Context)) bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return false
	}
	select {
	case q.jobs <- job{due: time.Now().Add(q.delay), run: run}:
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

// Close stops the worker once its current job is done, without waiting
// out the delay of the jobs still queued (they are dropped: the gateway
// retries what was never booked).
func (q *Queue) Close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.stop)
	}
	q.mu.Unlock()
	q.wg.Wait()
}

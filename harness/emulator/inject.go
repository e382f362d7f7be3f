package emulator

import "sync"

// Injections queues the answers respond_next injects: each is handed to
// the next calls to its API, as many as it was queued for, oldest
// injection first. T is the gateway's own answer (a code and a message,
// say). The zero value is ready to use and safe for concurrent use.
type Injections[T any] struct {
	mu sync.Mutex
	q  []*injection[T]
}

type injection[T any] struct {
	api    string
	left   int
	answer T
}

// Add queues answer for the next count calls to api.
func (in *Injections[T]) Add(api string, count int, answer T) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.q = append(in.q, &injection[T]{api: api, left: count, answer: answer})
}

// Take hands out the oldest answer queued for api, if any.
func (in *Injections[T]) Take(api string) (T, bool) {
	return in.TakeMatching(func(queued string) bool { return queued == api })
}

// TakeMatching hands out the oldest answer whose queued API match accepts,
// for a gateway where one injection covers several APIs.
func (in *Injections[T]) TakeMatching(match func(queued string) bool) (T, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for i, j := range in.q {
		if !match(j.api) {
			continue
		}
		j.left--
		if j.left <= 0 {
			in.q = append(in.q[:i], in.q[i+1:]...)
		}
		return j.answer, true
	}
	var none T
	return none, false
}

package emulator

// Ring keeps the most recent items of a long-lived log within a count and
// a byte budget: pushing past either drops the oldest items. Scenario
// runs read only what happened during the current scenario, so a ring
// large enough for one scenario loses nothing they judge, while an
// emulator serving for hours (uatrun emulate) holds a bounded amount.
// The zero value keeps nothing; use NewRing. It is not safe for
// concurrent use: its owner locks around it.
type Ring[T any] struct {
	max      int
	maxBytes int
	size     func(T) int

	// OnDrop, when set, is called with each item the bounds drop, so an
	// owner can forget its indexes of it.
	OnDrop func(T)

	buf     []T
	start   int // index of the oldest item in buf
	n       int
	bytes   int
	dropped int
}

// NewRing returns a ring of at most max items whose sizes, as size
// measures them, add up to at most maxBytes (the newest item is always
// kept, whatever its size). A nil size counts items only.
func NewRing[T any](max, maxBytes int, size func(T) int) *Ring[T] {
	if size == nil {
		size = func(T) int { return 0 }
	}
	return &Ring[T]{max: max, maxBytes: maxBytes, size: size}
}

// Push appends v, dropping the oldest items beyond the bounds.
func (r *Ring[T]) Push(v T) {
	if r.max <= 0 {
		r.dropped++
		if r.OnDrop != nil {
			r.OnDrop(v)
		}
		return
	}
	if r.n == r.max {
		r.pop()
	}
	if r.n == len(r.buf) { // full below max: grow, oldest first
		grown := make([]T, r.n, min(r.max, 2*r.n+16))
		for i := range r.n {
			grown[i] = r.buf[(r.start+i)%len(r.buf)]
		}
		r.buf, r.start = grown[:cap(grown)], 0
	}
	r.buf[(r.start+r.n)%len(r.buf)] = v
	r.n++
	r.bytes += r.size(v)
	for r.bytes > r.maxBytes && r.n > 1 {
		r.pop()
	}
}

func (r *Ring[T]) pop() {
	var zero T
	old := r.buf[r.start]
	r.bytes -= r.size(old)
	r.buf[r.start] = zero
	r.start = (r.start + 1) % len(r.buf)
	r.n--
	r.dropped++
	if r.OnDrop != nil {
		r.OnDrop(old)
	}
}

// Len is how many items are kept.
func (r *Ring[T]) Len() int { return r.n }

// Dropped is how many items the bounds have dropped so far.
func (r *Ring[T]) Dropped() int { return r.dropped }

// Bytes is the kept items' total size.
func (r *Ring[T]) Bytes() int { return r.bytes }

// All copies the kept items, oldest first.
func (r *Ring[T]) All() []T {
	out := make([]T, 0, r.n)
	r.Each(func(v T) { out = append(out, v) })
	return out
}

// Each calls f on every kept item, oldest first.
func (r *Ring[T]) Each(f func(T)) {
	for i := 0; i < r.n; i++ {
		f(r.buf[(r.start+i)%len(r.buf)])
	}
}

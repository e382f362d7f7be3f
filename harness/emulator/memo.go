package emulator

// Memo is a map that remembers the newest max keys it was given: past
// that, the oldest key is forgotten and forget (when set) is called with
// its value, so a long uatrun emulate session stays bounded whatever the
// merchant sends. It is guarded by its owner's lock.
type Memo[V any] struct {
	m      map[string]memoEntry[V]
	keys   *Ring[memoKey]
	seq    uint64
	forget func(V)
}

type memoEntry[V any] struct {
	v   V
	seq uint64
}

// memoKey names one put: a key deleted and put again is a new put, so
// the ring dropping the old one leaves the new one alone.
type memoKey struct {
	k   string
	seq uint64
}

// NewMemo returns a memo of at most max keys.
func NewMemo[V any](max int, forget func(V)) *Memo[V] {
	m := &Memo[V]{m: map[string]memoEntry[V]{}, keys: NewRing[memoKey](max, 0, nil), forget: forget}
	m.keys.OnDrop = func(k memoKey) {
		if e, ok := m.m[k.k]; ok && e.seq == k.seq {
			delete(m.m, k.k)
			if m.forget != nil {
				m.forget(e.v)
			}
		}
	}
	return m
}

// Get returns the value of k and whether it is remembered.
func (m *Memo[V]) Get(k string) (V, bool) {
	e, ok := m.m[k]
	return e.v, ok
}

// Put remembers v under k, as the newest key.
func (m *Memo[V]) Put(k string, v V) {
	m.seq++
	m.m[k] = memoEntry[V]{v: v, seq: m.seq}
	m.keys.Push(memoKey{k: k, seq: m.seq})
}

// Del forgets k now, without calling forget.
func (m *Memo[V]) Del(k string) { delete(m.m, k) }

// Len is how many keys are remembered.
func (m *Memo[V]) Len() int { return len(m.m) }

// Each calls f on every remembered value, in no particular order.
func (m *Memo[V]) Each(f func(V)) {
	for _, e := range m.m {
		f(e.v)
	}
}

package danawidget

import "github.com/uatrun/uatrun/harness/emulator"

// memo is a map that remembers the newest max keys it was given: past
// that, the oldest key is forgotten and forget (when set) is called with
// its value, so a long uatrun emulate session stays bounded whatever the
// merchant sends. It is guarded by its owner's lock.
type memo[V any] struct {
	m      map[string]memoEntry[V]
	keys   *emulator.Ring[memoKey]
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

func newMemo[V any](max int, forget func(V)) *memo[V] {
	m := &memo[V]{m: map[string]memoEntry[V]{}, keys: emulator.NewRing[memoKey](max, 0, nil), forget: forget}
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

// get returns the value of k and whether it is remembered.
func (m *memo[V]) get(k string) (V, bool) {
	e, ok := m.m[k]
	return e.v, ok
}

// put remembers v under k, as the newest key.
func (m *memo[V]) put(k string, v V) {
	m.seq++
	m.m[k] = memoEntry[V]{v: v, seq: m.seq}
	m.keys.Push(memoKey{k: k, seq: m.seq})
}

// del forgets k now, without calling forget.
func (m *memo[V]) del(k string) { delete(m.m, k) }

// len is how many keys are remembered.
func (m *memo[V]) len() int { return len(m.m) }

// each calls f on every remembered value, in no particular order.
func (m *memo[V]) each(f func(V)) {
	for _, e := range m.m {
		f(e.v)
	}
}

package emulator

import (
	"slices"
	"testing"
)

func TestRing_KeepsTheNewestWithinCountAndBytes(t *testing.T) {
	r := NewRing[int](5, 1000, nil)
	for i := 1; i <= 12; i++ {
		r.Push(i)
	}
	if got := r.All(); !slices.Equal(got, []int{8, 9, 10, 11, 12}) || r.Dropped() != 7 {
		t.Fatalf("All = %v, dropped %d", got, r.Dropped())
	}
	b := NewRing[int](100, 10, func(v int) int { return v })
	for _, v := range []int{3, 3, 3, 4, 20, 1} {
		b.Push(v)
	}
	if got := b.All(); !slices.Equal(got, []int{1}) || b.Bytes() != 1 {
		t.Fatalf("byte-bounded All = %v (%d bytes)", got, b.Bytes())
	}
	b.Push(2)
	b.Push(3)
	if got := b.All(); !slices.Equal(got, []int{1, 2, 3}) {
		t.Fatalf("after regrowth All = %v", got)
	}
	for i := range 200 { // wraps and grows repeatedly
		b.Push(i % 3)
	}
	if b.Bytes() > 10 || b.Len() == 0 {
		t.Fatalf("len %d bytes %d", b.Len(), b.Bytes())
	}
}

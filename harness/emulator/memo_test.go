package emulator

import "testing"

func TestMemo_RemembersTheNewestAndSaysWhatItForgets(t *testing.T) {
	var forgot []int
	m := NewMemo[int](2, func(v int) { forgot = append(forgot, v) })
	m.Put("a", 1)
	m.Put("b", 2)
	m.Put("c", 3)
	if _, ok := m.Get("a"); ok || m.Len() != 2 || len(forgot) != 1 || forgot[0] != 1 {
		t.Fatalf("after three puts into two: len %d, forgot %v; want a forgotten", m.Len(), forgot)
	}
	// A key deleted and put again is a new put: dropping its old entry
	// from the ring must not forget the new one.
	m.Del("b")
	m.Put("b", 20)
	m.Put("d", 4)
	if v, ok := m.Get("b"); !ok || v != 20 {
		t.Fatalf("b = %v, %v; the re-put value must survive its old entry's drop", v, ok)
	}
	sum := 0
	m.Each(func(v int) { sum += v })
	if sum != 24 {
		t.Fatalf("Each saw %d, want b=20 and d=4", sum)
	}
}

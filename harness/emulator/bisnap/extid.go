package bisnap

import (
	"crypto/sha256"
	"strconv"
	"time"

	"github.com/uatrun/uatrun/harness/clock"
	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/snap"
)

// BI-SNAP wants X-EXTERNAL-ID unique per partner within the day. Every
// BI-SNAP emulator remembers ids the same way (ExternalIDs):
//
//   - only the ids of authenticated calls (headers well-formed, signature
//     verified, partner known), so an anonymous client cannot fill it;
//   - each as a fixed-size digest with its partner (ExternalIDKey), so the
//     memory is bounded in bytes whatever length a client sends, and in
//     count by KeptExternalIDs;
//   - for the wall clock's Jakarta day, and within it for ExternalIDLife
//     on each scenario's own test clock (clock.Stamp): a scenario that
//     moves its clock a day on may reuse an id, and no other scenario
//     sees that move.
const (
	KeptExternalIDs = 100000
	ExternalIDLife  = 24 * time.Hour
)

// ExternalIDs is the X-EXTERNAL-ID memory of one emulator; its owner's
// lock guards it.
type ExternalIDs struct {
	day string
	ids *emulator.Memo[extUse]
}

// extUse is an id's first use: the call that made it and its age.
type extUse struct {
	seq int
	age *clock.Stamp
}

// NewExternalIDs returns an empty memory.
func NewExternalIDs() *ExternalIDs { return &ExternalIDs{} }

// Use records call seq's X-EXTERNAL-ID ext from partner, seen at wall on
// the caller's test clock c. When the id is already taken within the day
// it returns the call that first used it and true, and records nothing.
func (x *ExternalIDs) Use(partner, ext string, seq int, wall time.Time, c clock.Clock) (int, bool) {
	if day := wall.In(snap.Jakarta).Format("2006-01-02"); day != x.day || x.ids == nil {
		x.day, x.ids = day, emulator.NewMemo[extUse](KeptExternalIDs, nil)
	}
	k := ExternalIDKey(partner, ext)
	if u, ok := x.ids.Get(k); ok && !u.age.Older(c, ExternalIDLife) {
		return u.seq, true
	}
	x.ids.Put(k, extUse{seq: seq, age: clock.NewStamp(c)})
	return 0, false
}

// Len is how many ids are remembered.
func (x *ExternalIDs) Len() int {
	if x.ids == nil {
		return 0
	}
	return x.ids.Len()
}

// ReuseViolation is the violation a reused X-EXTERNAL-ID records.
func ReuseViolation(ext string, first int) string {
	return "X-EXTERNAL-ID " + Quote(ext) + " reused within the day (first used by call #" + strconv.Itoa(first) + ")"
}

// ExternalIDKey is how an emulator remembers one partner's X-EXTERNAL-ID
// to detect reuse within the day: a fixed-size digest, so the memory is
// bounded in bytes whatever length the client sends.
func ExternalIDKey(partnerID, externalID string) string {
	sum := sha256.Sum256([]byte(partnerID + "\x00" + externalID))
	return string(sum[:])
}

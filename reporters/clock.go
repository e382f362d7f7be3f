package reporters

import (
	"time"

	"github.com/uatrun/uatrun/harness/evidence"
)

// reportZone is the zone every date in a report is shown in: the
// gateways uatrun emulates are Indonesian and their reviewers read
// Western Indonesian Time. It is a fixed zone, so reports never depend on
// the machine's zone or tz database.
var reportZone = time.FixedZone("WIB", 7*3600)

// zoneNote names the zone for the reader.
const zoneNote = "WIB (UTC+07:00), the gateway's zone"

const (
	dateLayout = "2006-01-02 15:04:05 MST (UTC-07:00)"
	timeOfDay  = "15:04:05.000 MST"
)

// fmtClock shows the time of day of a wall-clock time in the gateway's
// zone, for steps and exchanges under a dated scenario.
func fmtClock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(reportZone).Format(timeOfDay)
}

// testClock is a moment's offset on its scenario's test clock, labelled:
// "test clock +24h0m1s". Each scenario runs on its own test clock that
// starts at the wall clock; a clock step moves it ahead. "" when either
// stamp has no virtual time.
func testClock(scenarioStart, at evidence.Stamp) string {
	if scenarioStart.Virtual.IsZero() || at.Virtual.IsZero() {
		return ""
	}
	return "test clock " + offset(at.Virtual.Sub(scenarioStart.Virtual))
}

// offset is a signed span rounded to the second: "+0s", "+24h0m1s".
func offset(d time.Duration) string {
	d = d.Round(time.Second)
	if d < 0 {
		return d.String()
	}
	return "+" + d.String()
}

// furthest is the largest test-clock advance of a scenario (over its
// steps and exchanges), zero when its clock never moved.
func furthest(sc *evidence.Scenario) time.Duration {
	var max time.Duration
	if sc.At.Virtual.IsZero() {
		return 0
	}
	see := func(s evidence.Stamp) {
		if !s.Virtual.IsZero() {
			if d := s.Virtual.Sub(sc.At.Virtual); d > max {
				max = d
			}
		}
	}
	for i := range sc.Steps {
		see(sc.Steps[i].At)
		for j := range sc.Steps[i].Exchanges {
			see(sc.Steps[i].Exchanges[j].At)
		}
	}
	return max.Round(time.Second)
}

package purwantara

import (
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/evidence"
)

// recordDelivery stores a webhook exchange and its delivery together.
func (e *Emulator) recordDelivery(t *tx, d emulator.Delivery, x evidence.Exchange) emulator.Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rec.Add(&x)
	d.Exchange = x
	t.deliveries = append(t.deliveries, d)
	return d
}

// since reports the real duration in milliseconds for evidence.
func since(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

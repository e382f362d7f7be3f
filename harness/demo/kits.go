package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/uatrun/uatrun/harness/emulator"
)

// merchant is what every reference merchant offers to be run in-process.
type merchant interface {
	Handler() http.Handler
	Close() error
}

// serveShop serves s on a loopback port; stop closes the server, then s.
// When the server cannot start, s is closed at once.
func serveShop(s merchant) (url string, stop func() error, err error) {
	srv := emulator.NewServer("", s.Handler())
	if err := srv.Start(); err != nil {
		s.Close()
		return "", nil, err
	}
	return srv.URL(), func() error { srv.Close(); return s.Close() }, nil
}

// setDashboard posts settings to an emulator's /_uatrun/dashboard, as a
// merchant fills in the gateway's dashboard once its shop is reachable.
func setDashboard(gatewayURL string, settings map[string]string) error {
	body, _ := json.Marshal(settings)
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Post(gatewayURL+emulator.ControlPrefix+"/dashboard", "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("setting the emulator's dashboard: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("setting the emulator's dashboard: HTTP %d %s", resp.StatusCode, msg)
	}
	return nil
}

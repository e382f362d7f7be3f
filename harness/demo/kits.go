package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/uatrun/uatrun/harness/config"
	"github.com/uatrun/uatrun/harness/emulator"
)

// faultsOf converts a reference merchant's fault list: every example shop
// declares its own Fault type with the same two fields, so none of them
// has to import the harness.
func faultsOf[F ~struct{ Name, Description string }](list []F) []Fault {
	out := make([]Fault, len(list))
	for i, f := range list {
		out[i] = Fault(f)
	}
	return out
}

// post is a JSON POST action against a reference merchant.
func post(path string, json map[string]any, capture map[string]string) config.Action {
	return config.Action{Method: "POST", Path: path, JSON: json, Capture: capture}
}

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

package midtrans

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
)

// Settings are the dashboard's URL settings (SETTINGS > CONFIGURATION).
type Settings struct {
	NotifyURL string `json:"notify_url"` // Payment Notification URL
	FinishURL string `json:"finish_url"` // Finish Redirect URL
}

// Dashboard returns the current settings.
func (e *Emulator) Dashboard() Settings {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Settings{NotifyURL: e.dash.notifyURL, FinishURL: e.dash.finishURL}
}

// SetDashboard changes the settings, as a merchant does in Midtrans'
// dashboard; an empty field keeps its value. Notifications sent from then
// on go to the new URL, including retries of earlier events, because
// Midtrans reads the setting when it sends.
func (e *Emulator) SetDashboard(s Settings) error {
	for name, u := range map[string]string{"notify_url": s.NotifyURL, "finish_url": s.FinishURL} {
		if u == "" {
			continue
		}
		if err := emulator.CheckAbsURL(u); err != nil {
			return fmt.Errorf("midtrans: dashboard %s: %w", name, err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if s.NotifyURL != "" {
		e.dash.notifyURL = s.NotifyURL
	}
	if s.FinishURL != "" {
		e.dash.finishURL = s.FinishURL
	}
	return nil
}

// controlDashboard serves POST /_uatrun/dashboard {notify_url, finish_url}.
func (e *Emulator) controlDashboard(c *gin.Context) {
	p, err := emulator.ControlParams(c.Request)
	if err != nil {
		emulator.ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	for k := range p {
		if k != "notify_url" && k != "finish_url" {
			emulator.ControlError(c, http.StatusBadRequest, "unknown dashboard setting "+quote(k)+"; settings: notify_url, finish_url")
			return
		}
	}
	if err := e.SetDashboard(Settings{NotifyURL: p["notify_url"], FinishURL: p["finish_url"]}); err != nil {
		emulator.ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	c.JSON(http.StatusOK, e.Dashboard())
}

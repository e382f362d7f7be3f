package purwantara

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
)

// txActions are the actions the control API exposes per transaction.
var txActions = []string{actPay, actFail, actExpire, actNotify, actReturnShopper}

// controlDashboard serves POST /_uatrun/dashboard {"callback_url": …}, the
// settings form every uatrun emulator offers under the same path.
func (e *Emulator) controlDashboard(c *gin.Context) {
	params, err := emulator.ControlParams(c.Request)
	if err != nil {
		emulator.ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	u, ok := params["callback_url"]
	if !ok || len(params) != 1 {
		emulator.ControlError(c, http.StatusBadRequest, `the Purwantara dashboard has one setting: {"callback_url": "<absolute URL>"}`)
		return
	}
	if err := e.SetCallbackURL(u); err != nil {
		emulator.ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	c.JSON(http.StatusOK, gin.H{"callback_url": u})
}

package midtrans

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/uatrun/uatrun/harness/emulator"
)

// controlPrefix is where the manual-UAT control API lives.
const controlPrefix = "/_uatrun"

// orderActions are the actions the control API exposes per transaction.
var orderActions = []string{actChoose, actPay, actDeny, actExpire, actNotify, actReturnShopper}

// controlAction serves POST /_uatrun/orders/:id/:action.
func (e *Emulator) controlAction(c *gin.Context) {
	name := c.Param("action")
	if !slices.Contains(orderActions, name) {
		controlError(c, http.StatusNotFound, fmt.Sprintf("unknown order action %q; valid: %v", name, orderActions))
		return
	}
	e.runControl(c, emulator.Action{Name: name, Order: c.Param("id")})
}

// controlRespondNext serves POST /_uatrun/respond_next.
func (e *Emulator) controlRespondNext(c *gin.Context) {
	e.runControl(c, emulator.Action{Name: actRespondNext})
}

func (e *Emulator) runControl(c *gin.Context, a emulator.Action) {
	params, err := emulator.ControlParams(c.Request)
	if err != nil {
		controlError(c, http.StatusBadRequest, err.Error())
		return
	}
	a.Params = params
	res, err := e.Act(c.Request.Context(), a)
	if err != nil {
		controlError(c, errorStatus(err), err.Error())
		return
	}
	c.JSON(http.StatusOK, emulator.ResultView(res))
}

// errorStatus maps an Act error to an HTTP status for the control API.
func errorStatus(err error) int {
	switch {
	case errors.Is(err, emulator.ErrUnknownOrder), errors.Is(err, emulator.ErrUnknownAction):
		return http.StatusNotFound
	case errors.Is(err, emulator.ErrOrderState):
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

func controlError(c *gin.Context, status int, msg string) {
	c.JSON(status, gin.H{"error": msg})
}

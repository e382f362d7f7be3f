package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
)

// List routes of the control API (/_uatrun/orders, /_uatrun/exchanges, …)
// answer one page at a time, oldest first: ?limit= items (DefaultPage
// when absent, at most MaxPage) after the item ?after= names (an exchange
// id, an order's reference). The answer stays a JSON array; when more
// items follow, HeaderNext carries the cursor for the next page and a
// Link header its URL (rel="next"). HeaderTotal is how many items are
// kept in all.
const (
	DefaultPage = 100
	MaxPage     = 1000
	HeaderNext  = "X-Uatrun-Next"
	HeaderTotal = "X-Uatrun-Total"
)

// PageOf picks the page of items that ?limit= and ?after= in q ask for,
// with key naming each item, and returns the cursor of the next page (""
// on the last). It fails on a bad limit and on a cursor that names no
// kept item (dropped from a bounded log, or never there).
func PageOf[T any](items []T, key func(T) string, q url.Values) (page []T, next string, err error) {
	limit := DefaultPage
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPage {
			return nil, "", fmt.Errorf("limit %q: want 1 to %d (default %d)", v, MaxPage, DefaultPage)
		}
		limit = n
	}
	from := 0
	if after := q.Get("after"); after != "" {
		from = -1
		for i, it := range items {
			if key(it) == after {
				from = i + 1
				break
			}
		}
		if from < 0 {
			return nil, "", fmt.Errorf("after %q names nothing kept: the log keeps only the newest items; start again without after", after)
		}
	}
	end := min(from+limit, len(items))
	page = items[from:end]
	if end < len(items) && len(page) > 0 {
		next = key(page[len(page)-1])
	}
	if page == nil {
		page = []T{}
	}
	return page, next, nil
}

// ServePage answers a list control route with the page c's query asks
// for, as described at DefaultPage.
func ServePage[T any](c *gin.Context, items []T, key func(T) string) {
	page, next, err := PageOf(items, key, c.Request.URL.Query())
	if err != nil {
		ControlError(c, http.StatusBadRequest, err.Error())
		return
	}
	c.Header(HeaderTotal, strconv.Itoa(len(items)))
	if next != "" {
		q := c.Request.URL.Query()
		q.Set("after", next)
		c.Header(HeaderNext, next)
		c.Header("Link", "<"+c.Request.URL.Path+"?"+q.Encode()+`>; rel="next"`)
	}
	c.JSON(http.StatusOK, page)
}

package danawidget

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/snap"
)

// Transaction History List (service 60) answers in its own words, as
// DANA's UAT fixtures show (Widget.json TransactionList*): a malformed
// field is 4006001 "Invalid Parameter", a bad signature 4016000 "Invalid
// Signature", an unknown or expired customer token 4016001 "Invalid
// Access Token", an empty page 4046000 "Data Not Available".
const (
	txListBadToken       = "Invalid Access Token"
	txListMaxPageSize    = 100
	txListDefaultPerPage = 10
)

// txListWording rewords the shared BI-SNAP answers the pipeline gives
// this service into its own texts.
func txListWording(rep *bisnap.Reply) *bisnap.Reply {
	if rep == nil || len(rep.Code) != 7 || rep.Code[3:5] != "60" {
		return rep
	}
	switch rep.Code {
	case "4006001", "4016000":
		rep.Message = bisnap.Message(rep.Code)
	}
	return rep
}

// transactionList answers service 60: the bound user's widget payments
// and refunds at this merchant between fromDateTime and toDateTime, a
// page at a time (pageSize, pageNumber from 1), newest first.
func (e *Emulator) transactionList(in *inbound) *bisnap.Reply {
	s := in.svc.Service
	c := bisnap.NewChecker(s)
	doc := in.doc
	c.OptStr(doc.Get("partnerReferenceNo"), "partnerReferenceNo", 64)
	from := txTime(c, doc.Get("fromDateTime"), "fromDateTime")
	to := txTime(c, doc.Get("toDateTime"), "toDateTime")
	size := txNumber(c, doc.Get("pageSize"), "pageSize", txListDefaultPerPage)
	page := txNumber(c, doc.Get("pageNumber"), "pageNumber", 1)
	if size > txListMaxPageSize {
		c.Bad("pageSize", "pageSize must be at most "+itoa(txListMaxPageSize))
	}
	info := doc.Get("additionalInfo")
	c.Object(info, "additionalInfo")
	types := txFilter(c, info.Get("types"), "additionalInfo.types")
	statuses := txFilter(c, info.Get("statuses"), "additionalInfo.statuses")
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		c.Breaks("toDateTime", "toDateTime is before fromDateTime")
	}
	if rep := c.Result(); rep != nil {
		return rep
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	b, rep := e.customerLocked(in, c, info)
	if rep != nil {
		return s.Unauthorized("01", txListBadToken, rep.Debug)
	}
	var rows []map[string]any
	e.st.orders.Each(func(o *order) {
		if o.payer != b.phone || (b.merchantID != "" && o.merchantID != b.merchantID) {
			return
		}
		add := func(kind, status string, at time.Time, amount bisnap.Money, remark string) {
			if !inRange(at, from, to) || !allowed(types, kind) || !allowed(statuses, status) {
				return
			}
			rows = append(rows, map[string]any{"dateTime": stamp(at), "amount": amount.JSON(), "remark": remark,
				"status": status, "type": kind, "additionalInfo": map[string]any{"partnerReferenceNo": o.partnerRef, "referenceNo": o.referenceNo}})
		}
		add("PAYMENT", txStatus(o.status), o.created, o.amount, o.title)
		for _, r := range o.refunds {
			add("REFUND", "SUCCESS", r.at, r.amount, "refund "+r.partnerRefundNo)
		}
	})
	// newest first
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	start := (page - 1) * size
	if start >= len(rows) {
		return s.Answer(http.StatusNotFound, "00", "no transactions of this user in the range and filters on page "+itoa(page))
	}
	end := min(start+size, len(rows))
	detail := make([]any, 0, end-start)
	for _, r := range rows[start:end] {
		detail = append(detail, r)
	}
	out := map[string]any{"detailData": detail}
	if v := doc.Get("partnerReferenceNo"); v.Type == gjson.String && v.Str != "" {
		out["referenceNo"], out["partnerReferenceNo"] = e.st.nextID(e.clk.Now(), "1112600"), v.Str
	}
	return s.OK(out)
}

// txStatus names an order's state as the list's statuses filter does.
func txStatus(status string) string {
	switch status {
	case StatusSuccess:
		return "SUCCESS"
	case StatusPaying:
		return "PROCESSING"
	case StatusInit:
		return "INIT"
	}
	return "CLOSED"
}

func txTime(c *bisnap.Checker, v gjson.Result, field string) time.Time {
	s, ok := c.Str(v, field, 64)
	if !ok {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if t, err = snap.ParseTimestamp(s); err != nil {
			c.Bad(field, field+" must be an ISO-8601 date-time such as 2020-12-21T17:55:11+07:00, got "+bisnap.Quote(s))
			return time.Time{}
		}
	}
	return t
}

// txNumber reads a positive number sent as a string (as DANA's fixture
// sends pageSize "10") or a JSON number; absent is def.
func txNumber(c *bisnap.Checker, v gjson.Result, field string, def int) int {
	if !bisnap.Present(v) {
		return def
	}
	raw := v.Str
	if v.Type == gjson.Number {
		raw = v.Raw
	}
	n, err := strconv.Atoi(raw)
	if (v.Type != gjson.String && v.Type != gjson.Number) || err != nil || n < 1 {
		c.Bad(field, field+" must be a positive whole number, got "+bisnap.Clip(v.Raw))
		return def
	}
	return n
}

func txFilter(c *bisnap.Checker, v gjson.Result, field string) []string {
	if !bisnap.Present(v) {
		return nil
	}
	if !v.IsArray() {
		c.Bad(field, field+" must be an array of strings, got "+bisnap.Clip(v.Raw))
		return nil
	}
	var out []string
	for _, x := range v.Array() {
		out = append(out, x.String())
	}
	return out
}

func inRange(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
}

func allowed(list []string, v string) bool { return len(list) == 0 || bisnap.Contains(list, v) }

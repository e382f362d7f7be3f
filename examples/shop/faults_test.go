package shop

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// faultCase runs one scenario against a correct shop and against a shop
// with the fault, and names what each must observe: a fault that changes
// nothing, or a correct shop that shows the bug, both fail.
type faultCase struct {
	fault           string
	scenario        func(t *testing.T, b *bench) string
	correct, faulty string
}

func createBody(t *testing.T, b *bench, i int) createRequest {
	t.Helper()
	var req createRequest
	if err := json.Unmarshal(b.dana.requests(createPath)[i].Body, &req); err != nil {
		t.Fatal(err)
	}
	return req
}

func sameOrDistinct(a, b string) string {
	if a == b {
		return "same"
	}
	return "distinct"
}

func paidOrder(t *testing.T, b *bench) string {
	t.Helper()
	id := b.checkout(t, "15000.00")
	b.notify(t, id, "15000.00", "00")
	return id
}

var faultCases = []faultCase{
	{faultNotifyNoVerify, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		body := notifyJSON(id, "15000.00", "00")
		status, _ := b.do(t, "POST", notifyPath, string(body), signedHeaders(strangerKey, body, b.ts()))
		return fmt.Sprint(status, " ", b.order(t, id)["status"])
	}, "401 pending", "200 paid"},
	{faultNotifyDoubleFulfil, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		for range 3 {
			b.notify(t, id, "15000.00", "00")
		}
		return fmt.Sprint(num(b.order(t, id)["fulfilments"]), " webhooks=", b.webhooks.Load())
	}, "1 webhooks=1", "3 webhooks=3"},
	{faultNotifyWrongAck, func(t *testing.T, b *bench) string {
		status, out := b.notify(t, b.checkout(t, "15000.00"), "15000.00", "00")
		return fmt.Sprint(status, " ", out["responseCode"], " ", out["responseMessage"])
	}, "200 2005600 Successful", "200 200 OK"},
	{faultNotifyExpiredAsPaid, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		b.notify(t, id, "15000.00", "05")
		return fmt.Sprint(b.order(t, id)["status"])
	}, "expired", "paid"},
	{faultTrustReturnRedirect, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		b.do(t, "GET", "/return?order="+id, "", nil)
		o := b.order(t, id)
		return fmt.Sprint(o["status"], " ", num(o["fulfilments"]))
	}, "pending 0", "paid 1"},
	{faultReusePartnerReference, func(t *testing.T, b *bench) string {
		b.checkout(t, "15000.00")
		second, _ := b.do(t, "POST", "/checkout", `{"amount":"15000.00"}`, nil)
		return fmt.Sprint(second, " ", sameOrDistinct(createBody(t, b, 0).PartnerReferenceNo, createBody(t, b, 1).PartnerReferenceNo))
	}, "200 distinct", "500 same"},
	{faultAmountWithoutDecimals, func(t *testing.T, b *bench) string {
		b.checkout(t, "15000.00")
		return createBody(t, b, 0).Amount.Value
	}, "15000.00", "15000"},
	{faultSignWrongPath, func(t *testing.T, b *bench) string {
		status, out := b.do(t, "POST", "/checkout", `{"amount":"15000.00"}`, nil)
		return fmt.Sprint(status, " ", out["gateway_code"])
	}, "200 <nil>", "502 4015400"},
	{faultNoNotificationURL, func(t *testing.T, b *bench) string {
		b.checkout(t, "15000.00")
		var types []string
		for _, p := range createBody(t, b, 0).URLParams {
			types = append(types, p.Type)
		}
		return strings.Join(types, ",")
	}, "PAY_RETURN,NOTIFICATION", "PAY_RETURN"},
	{faultCancelIgnoresGateway, func(t *testing.T, b *bench) string {
		id := paidOrder(t, b)
		b.dana.push(cancelPath, fakeReply{status: 403, body: `{"responseCode":"4035700","responseMessage":"Transaction Expired"}`})
		status, _ := b.do(t, "POST", "/orders/"+id+"/cancel", "", nil)
		return fmt.Sprint(status, " ", b.order(t, id)["status"])
	}, "409 paid", "200 cancelled"},
	{faultOverRefund, func(t *testing.T, b *bench) string {
		id := paidOrder(t, b)
		b.dana.push(refundPath, fakeReply{status: 403, body: `{"responseCode":"4035802","responseMessage":"Exceeds Transaction Amount Limit"}`})
		status, _ := b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"20000.00"}`, nil)
		return fmt.Sprint(status, " calls=", len(b.dana.requests(refundPath)))
	}, "422 calls=0", "502 calls=1"},
	{faultRefundNewRefOnRetry, func(t *testing.T, b *bench) string {
		id := paidOrder(t, b)
		b.dana.push(refundPath, fakeReply{drop: true})
		b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"5000.00"}`, nil)
		return sameOrDistinct(refundNo(t, b, 0), refundNo(t, b, 1))
	}, "same", "distinct"},
	{faultReuseExternalID, func(t *testing.T, b *bench) string {
		b.checkout(t, "15000.00")
		b.checkout(t, "15000.00")
		reqs := b.dana.requests(createPath)
		return sameOrDistinct(reqs[0].Header.Get("X-EXTERNAL-ID"), reqs[1].Header.Get("X-EXTERNAL-ID"))
	}, "distinct", "same"},
	{faultTimestampUTCZ, func(t *testing.T, b *bench) string {
		b.checkout(t, "15000.00")
		return b.dana.requests(createPath)[0].Header.Get("X-TIMESTAMP")
	}, "2025-01-01T10:00:00+07:00", "2025-01-01T03:00:00Z"},
	{faultCreateIgnoresError, func(t *testing.T, b *bench) string {
		b.dana.push(createPath, fakeReply{status: 400, body: `{"responseCode":"4005401","responseMessage":"Invalid Field Format amount"}`})
		status, out := b.do(t, "POST", "/checkout", `{"amount":"15000.00"}`, nil)
		_, hasRedirect := out["redirect_url"]
		return fmt.Sprint(status, " ", out["gateway_code"], " redirect_url=", hasRedirect)
	}, "502 4005401 redirect_url=false", "200 <nil> redirect_url=true"},
	{faultCreateNoRetry, func(t *testing.T, b *bench) string {
		b.dana.push(createPath, fakeReply{status: 500, body: `{"responseCode":"5005401","responseMessage":"Internal Server Error"}`})
		status, _ := b.do(t, "POST", "/checkout", `{"amount":"15000.00"}`, nil)
		creates := b.dana.requests(createPath)
		same := "-"
		if len(creates) > 1 {
			same = sameOrDistinct(createBody(t, b, 0).PartnerReferenceNo, createBody(t, b, 1).PartnerReferenceNo)
		}
		return fmt.Sprint(status, " creates=", len(creates), " ", same, " queries=", len(b.dana.requests(queryPath)))
	}, "200 creates=2 same queries=0", "502 creates=1 - queries=0"},
	{faultExternalIDPerOrder, func(t *testing.T, b *bench) string {
		first := b.checkout(t, "15000.00")
		b.checkout(t, "20000.00")
		b.do(t, "POST", "/orders/"+first+"/cancel", "", nil)
		creates, cancels := b.dana.requests(createPath), b.dana.requests(cancelPath)
		id := func(r fakeRequest) string { return r.Header.Get("X-EXTERNAL-ID") }
		return fmt.Sprint("create/cancel ", sameOrDistinct(id(creates[0]), id(cancels[0])),
			", orders ", sameOrDistinct(id(creates[0]), id(creates[1])))
	}, "create/cancel distinct, orders distinct", "create/cancel same, orders distinct"},
	{faultTrustReturnQuery, func(t *testing.T, b *bench) string {
		var got []string
		for _, query := range []string{"", "&status=SUCCESS", "&resultStatus=S"} {
			id := b.checkout(t, "15000.00")
			b.do(t, "GET", "/return?order="+id+query, "", nil)
			o := b.order(t, id)
			got = append(got, fmt.Sprint(o["status"], " ", num(o["fulfilments"])))
		}
		return strings.Join(got, ", ")
	}, "pending 0, pending 0, pending 0", "pending 0, paid 1, paid 1"},
	{faultNotifyIgnoresAmount, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		body := notifyJSON(id, "1000.00", "00")
		forged, _ := b.do(t, "POST", notifyPath, string(body), signedHeaders(strangerKey, body, b.ts()))
		signed, _ := b.notify(t, id, "1000.00", "00")
		return fmt.Sprint(forged, " ", signed, " ", b.order(t, id)["status"])
	}, "401 400 pending", "401 200 paid"},
	{faultNotifyTrustsPayload, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		body := notifyJSON(id, "1000.00", "00")
		status, _ := b.do(t, "POST", notifyPath, string(body), signedHeaders(strangerKey, body, b.ts()))
		return fmt.Sprint(status, " ", b.order(t, id)["status"])
	}, "401 pending", "200 paid"},
	{faultReconcileIgnoresQuery, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		b.dana.push(queryPath, fakeReply{status: 200, body: `{"responseCode":"2005500","responseMessage":"Successful",` +
			`"latestTransactionStatus":"00","amount":{"value":"15000.00","currency":"IDR"}}`})
		status, _ := b.do(t, "POST", "/orders/"+id+"/reconcile", "", nil)
		o := b.order(t, id)
		return fmt.Sprint(status, " queries=", len(b.dana.requests(queryPath)), " ", o["status"], " ", num(o["fulfilments"]))
	}, "200 queries=1 paid 1", "200 queries=1 pending 0"},
	{faultRefundIgnoresGateway, func(t *testing.T, b *bench) string {
		id := paidOrder(t, b)
		b.dana.push(refundPath, fakeReply{status: 404, body: `{"responseCode":"4045800","responseMessage":"Invalid Transaction Status"}`})
		status, _ := b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"5000.00"}`, nil)
		o := b.order(t, id)
		return fmt.Sprint(status, " ", o["status"], " ", o["refunded"])
	}, "502 paid 0.00", "200 partially_refunded 5000.00"},
	{faultRefundUnpaidCancels, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		b.dana.push(refundPath, fakeReply{status: 404, body: `{"responseCode":"4045800","responseMessage":"Invalid Transaction Status"}`})
		status, _ := b.do(t, "POST", "/orders/"+id+"/refund", `{"amount":"5000.00"}`, nil)
		o := b.order(t, id)
		return fmt.Sprint(status, " ", o["status"], " ", o["refunded"], " calls=", len(b.dana.requests(refundPath)))
	}, "422 pending 0.00 calls=0", "200 cancelled 0.00 calls=1"},
	{faultCancelLocalOnly, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		status, _ := b.do(t, "POST", "/orders/"+id+"/cancel", "", nil)
		return fmt.Sprint(status, " ", b.order(t, id)["status"], " cancel calls=", len(b.dana.requests(cancelPath)))
	}, "200 cancelled cancel calls=1", "200 cancelled cancel calls=0"},
	{faultNotifyFulfilThenFail, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "11012.00")
		first, a := b.notify(t, id, "11012.00", "00")
		retry, _ := b.notify(t, id, "11012.00", "00")
		o := b.order(t, id)
		return fmt.Sprint(first, " ", a["responseCode"], ", retry ", retry, ": ", o["status"], " ",
			num(o["fulfilments"]), " webhooks=", b.webhooks.Load())
	}, "500 5005601, retry 200: paid 1 webhooks=1", "500 5005601, retry 200: paid 2 webhooks=2"},
	{faultNotifyUnsigned, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		body := notifyJSON(id, "15000.00", "00")
		h := signedHeaders(gatewayKey, body, b.ts())
		h.Del("X-SIGNATURE")
		status, _ := b.do(t, "POST", notifyPath, string(body), h)
		return fmt.Sprint(status, " ", b.order(t, id)["status"])
	}, "400 pending", "200 paid"},
	{faultNotifyReopensOrder, func(t *testing.T, b *bench) string {
		id := paidOrder(t, b)
		if status, _ := b.do(t, "POST", "/orders/"+id+"/cancel", "", nil); status != 200 {
			t.Fatalf("cancel: %d", status)
		}
		replay, _ := b.notify(t, id, "15000.00", "00") // the first notify, played back
		o := b.order(t, id)
		return fmt.Sprint(replay, " ", o["status"], " ", num(o["fulfilments"]))
	}, "200 cancelled 1", "200 paid 2"},
	{faultNotifyRefusesEarly05, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00") // finishedTime 10:01, validUpTo 10:30
		status, _ := b.notify(t, id, "15000.00", "05")
		return fmt.Sprint(status, " ", b.order(t, id)["status"])
	}, "200 expired", "400 pending"},
	{faultCheckThenAct, func(t *testing.T, b *bench) string {
		// Two copies handled at once: both read the order before either
		// wrote it. Reading it twice first is that interleaving, exactly.
		id := b.checkout(t, "15000.00")
		ctx := t.Context()
		o1, _ := b.shop.store.order(ctx, id)
		o2, _ := b.shop.store.order(ctx, id)
		for _, o := range []order{o1, o2} {
			if err := b.shop.notifyPaid(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		return fmt.Sprint(num(b.order(t, id)["fulfilments"]), " webhooks=", b.webhooks.Load())
	}, "1 webhooks=1", "2 webhooks=2"},
	{faultReturnQuerySettled, func(t *testing.T, b *bench) string {
		id := b.checkout(t, "15000.00")
		if status, _ := b.do(t, "POST", "/orders/"+id+"/cancel", "", nil); status != 200 {
			t.Fatalf("cancel: %d", status)
		}
		b.dana.push(queryPath, fakeReply{status: 200, body: `{"responseCode":"2005500","responseMessage":"Successful",` +
			`"latestTransactionStatus":"05","transactionStatusDesc":"CANCELLED"}`})
		b.do(t, "GET", "/return?order="+id, "", nil)
		o := b.order(t, id)
		return fmt.Sprint(o["status"], " ", num(o["fulfilments"]), " queries=", len(b.dana.requests(queryPath)))
	}, "cancelled 0 queries=0", "paid 1 queries=1"},
	{faultTimestampUTCAsJakarta, func(t *testing.T, b *bench) string {
		b.checkout(t, "15000.00")
		return b.dana.requests(createPath)[0].Header.Get("X-TIMESTAMP")
	}, "2025-01-01T10:00:00+07:00", "2025-01-01T03:00:00+07:00"},
	{faultSignatureMemo, func(t *testing.T, b *bench) string {
		a, other := b.checkout(t, "15000.00"), b.checkout(t, "15000.00")
		otherBody := notifyJSON(other, "15000.00", "00")
		h := signedHeaders(gatewayKey, otherBody, b.ts())
		b.do(t, "POST", notifyPath, string(otherBody), h) // the other order's genuine notify
		status, _ := b.do(t, "POST", notifyPath, string(notifyJSON(a, "15000.00", "00")), h)
		return fmt.Sprint(status, " ", b.order(t, a)["status"], " ", b.order(t, other)["status"])
	}, "401 pending paid", "200 paid paid"},
}

func TestFaults_EachChangesTheBehaviourItNames(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range faultCases {
		covered[tc.fault] = true
		t.Run(tc.fault, func(t *testing.T) {
			if got := tc.scenario(t, newBench(t)); got != tc.correct {
				t.Errorf("correct shop: %q, want %q", got, tc.correct)
			}
			if got := tc.scenario(t, newBench(t, tc.fault)); got != tc.faulty {
				t.Errorf("shop with %s: %q, want %q", tc.fault, got, tc.faulty)
			}
		})
	}
	for _, f := range Faults() {
		if !covered[f.Name] {
			t.Errorf("fault %s has no behaviour test", f.Name)
		}
	}
}

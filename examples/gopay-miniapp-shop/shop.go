package gopayminishop

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uatrun/uatrun/examples/internal/jobqueue"
)

// NotifyPath is where the shop receives debit notifies.
const NotifyPath = "/v1.0/debit/notify"

// Config configures a Shop.
type Config struct {
	GatewayURL          string // both GoPay hosts: the mini-app back end and Midtrans BI-SNAP
	MiniAppCredential   string // "client_id:client_secret", emailed by GoPay
	PartnerID           string // BI-SNAP client id
	ClientSecret        string // BI-SNAP client secret
	MerchantID          string
	PopID               string
	ChannelID           string // 5 digits; default 95221
	PrivateKeyPEM       []byte // signs the B2B token request
	GatewayPublicKeyPEM []byte // verifies debit notifies
	FulfilmentWebhook   string // where fulfilments are posted (optional)
	// StatusOnRead makes every read of a pending order ask the status API
	// first (a design some backends choose instead of a reconciler; the
	// demo's clock-leak test uses it, since those reads come while other
	// scenarios act). It is a design choice, not a fault.
	StatusOnRead bool
	Faults       []string
	// QueueDelay, when positive, makes the shop a queue-based design: a
	// debit notify is verified and checked (order, amount) in the request
	// and acknowledged 2005600 at once, and a worker books and fulfils it
	// QueueDelay later, reading the order again first. 0 books it within
	// the request.
	QueueDelay time.Duration
}

// Shop is the mini-app backend.
type Shop struct {
	cfg    Config
	key    *rsa.PrivateKey
	pub    *rsa.PublicKey
	client *http.Client
	mux    *http.ServeMux

	mu        sync.Mutex
	publicURL string
	b2b       string
	b2bExp    time.Time
	sessions  map[string]*session
	orders    map[string]*order
	seenSigs  map[string]bool // the notify-signature-cache fault's memory

	queue *jobqueue.Queue // nil unless Config.QueueDelay > 0
}

type session struct {
	token, accountID, code string
}

type order struct {
	ID          string `json:"order_id"`
	Amount      string `json:"amount"`
	Status      string `json:"status"`
	Fulfilments int    `json:"fulfilments"`
	Refunded    string `json:"refunded"`
	Deeplink    string `json:"deeplink,omitempty"`
	cents       int64
	refunded    int64
	refundSeq   int
}

// New validates cfg and returns a shop.
func New(cfg Config) (*Shop, error) {
	for _, f := range cfg.Faults {
		if !slices.ContainsFunc(Faults(), func(x Fault) bool { return x.Name == f }) {
			return nil, fmt.Errorf("unknown fault %q", f)
		}
	}
	if cfg.GatewayURL == "" || !strings.Contains(cfg.MiniAppCredential, ":") || cfg.PartnerID == "" || cfg.ClientSecret == "" {
		return nil, fmt.Errorf("gateway URL, mini-app credential (client_id:client_secret), partner id and client secret are required")
	}
	if cfg.QueueDelay < 0 {
		return nil, fmt.Errorf("queue delay %s must not be negative", cfg.QueueDelay)
	}
	cfg.GatewayURL = strings.TrimSuffix(cfg.GatewayURL, "/")
	if cfg.ChannelID == "" {
		cfg.ChannelID = "95221"
	}
	key, err := parsePrivateKey(cfg.PrivateKeyPEM)
	if err != nil {
		return nil, err
	}
	pub, err := parsePublicKey(cfg.GatewayPublicKeyPEM)
	if err != nil {
		return nil, err
	}
	s := &Shop{cfg: cfg, key: key, pub: pub, client: &http.Client{Timeout: 10 * time.Second},
		sessions: map[string]*session{}, orders: map[string]*order{}, seenSigs: map[string]bool{}}
	m := http.NewServeMux()
	m.HandleFunc("POST /miniapp/login", s.login)
	m.HandleFunc("POST /miniapp/users/{user}/push", s.push)
	m.HandleFunc("POST /miniapp/users/{user}/rewards", s.reward)
	m.HandleFunc("GET /miniapp/users/{user}/profile", s.profile)
	m.HandleFunc("POST /checkout", s.checkout)
	m.HandleFunc("GET /orders/{id}", s.getOrder)
	m.HandleFunc("GET /orders/{id}/return", s.launchReturn)
	m.HandleFunc("POST /orders/{id}/cancel", s.cancel)
	m.HandleFunc("POST /orders/{id}/refund", s.refund)
	m.HandleFunc("POST /orders/{id}/reconcile", s.reconcile)
	m.HandleFunc("POST "+NotifyPath, s.notify)
	s.mux = m
	if cfg.QueueDelay > 0 {
		s.queue = jobqueue.New(cfg.QueueDelay, nil) // its jobs cannot fail
	}
	return s, nil
}

// Handler serves the shop.
func (s *Shop) Handler() http.Handler { return s.mux }

// Close stops the notify queue, if any (jobs not yet run are dropped, as
// a crashed worker's would be; reconcile's status query books them). The
// shop keeps state in memory.
func (s *Shop) Close() error {
	if s.queue != nil {
		s.queue.Close()
	}
	return nil
}

// SetPublicURL is where the GoPay app and the gateway reach the shop.
func (s *Shop) SetPublicURL(u string) {
	s.mu.Lock()
	s.publicURL = strings.TrimSuffix(u, "/")
	s.mu.Unlock()
}

func (s *Shop) fault(name string) bool { return slices.Contains(s.cfg.Faults, name) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func readJSON(r *http.Request, v any) error {
	return json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(v)
}

// --- users -------------------------------------------------------------

func (s *Shop) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User     string `json:"user"`
		AuthCode string `json:"auth_code"`
	}
	if err := readJSON(r, &in); err != nil || in.User == "" || in.AuthCode == "" {
		writeJSON(w, 400, map[string]string{"error": `send {"user","auth_code"}`})
		return
	}
	a, err := s.exchange(r.Context(), in.AuthCode)
	if err != nil || a.status != 200 {
		if s.fault(FaultLoginIgnoresError) {
			s.mu.Lock()
			s.sessions[in.User] = &session{}
			s.mu.Unlock()
			writeJSON(w, 200, map[string]string{"user": in.User, "status": "logged_in"})
			return
		}
		writeJSON(w, 401, map[string]any{"error": "GoPay refused the login", "gateway": a.body})
		return
	}
	data, _ := a.body["data"].(map[string]any)
	tok, _ := data["access_token"].(string)
	acct, _ := data["account_id"].(string)
	sess := &session{token: tok, accountID: acct}
	if s.fault(FaultCachesAuthCode) {
		sess = &session{code: in.AuthCode, accountID: acct}
	}
	s.mu.Lock()
	s.sessions[in.User] = sess
	if s.fault(FaultOneTokenSlot) {
		for _, other := range s.sessions {
			*other = *sess
		}
	}
	s.mu.Unlock()
	answer := map[string]string{"user": in.User, "account_id": acct, "status": "logged_in"}
	if s.fault(FaultEchoesAccessToken) {
		answer["access_token"] = tok
	}
	writeJSON(w, 200, answer)
}

// userToken is the cached access token of a logged-in user.
func (s *Shop) userToken(ctx context.Context, user string) (string, bool) {
	s.mu.Lock()
	sess := s.sessions[user]
	s.mu.Unlock()
	if sess == nil {
		return "", false
	}
	if sess.code != "" { // the fault: exchange the kept auth code again
		a, err := s.exchange(ctx, sess.code)
		if err != nil || a.status != 200 {
			return "", true
		}
		data, _ := a.body["data"].(map[string]any)
		tok, _ := data["access_token"].(string)
		return tok, true
	}
	return sess.token, true
}

func (s *Shop) withToken(w http.ResponseWriter, r *http.Request) (string, bool) {
	tok, ok := s.userToken(r.Context(), r.PathValue("user"))
	if !ok {
		writeJSON(w, 401, map[string]string{"error": "user is not logged in"})
		return "", false
	}
	return tok, true
}

func (s *Shop) push(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.withToken(w, r)
	if !ok {
		return
	}
	var in struct {
		TemplateID string            `json:"template_id"`
		Params     map[string]string `json:"params"`
	}
	_ = readJSON(r, &in)
	a, err := s.userCall(r.Context(), http.MethodPost, "/v1/mini-apps/notifications/push", tok,
		map[string]any{"template_id": in.TemplateID, "template_parameters": in.Params})
	if err != nil || a.status != 200 {
		writeJSON(w, 502, map[string]any{"status": "failed", "gateway": a.body})
		return
	}
	data, _ := a.body["data"].(map[string]any)
	writeJSON(w, 200, map[string]any{"status": "sent", "notification_id": data["notification_id"]})
}

func (s *Shop) profile(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.withToken(w, r)
	if !ok {
		return
	}
	a, err := s.userCall(r.Context(), http.MethodGet, "/v1/mini-apps/profile", tok, nil)
	switch {
	case err != nil:
		writeJSON(w, 502, map[string]string{"error": err.Error()})
	case a.status == 403:
		writeJSON(w, 403, map[string]string{"error": "consent_required"})
	case a.status != 200:
		writeJSON(w, 502, map[string]any{"error": "GoPay refused", "gateway": a.body})
	default:
		writeJSON(w, 200, a.body["data"])
	}
}

// reward sends GoPay Coins, retrying a failed attempt with the same
// reference_id so GoPay credits it once.
func (s *Shop) reward(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.withToken(w, r)
	if !ok {
		return
	}
	var in struct {
		RewardID string `json:"reward_id"`
		Amount   string `json:"amount"`
	}
	if err := readJSON(r, &in); err != nil || in.RewardID == "" {
		writeJSON(w, 400, map[string]string{"error": `send {"reward_id","amount"}`})
		return
	}
	amount, _ := strconv.ParseInt(in.Amount, 10, 64)
	var a answer
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		ref := in.RewardID
		if s.fault(FaultDisburseNewReference) {
			ref = fmt.Sprintf("%s-%d", in.RewardID, attempt)
		}
		a, err = s.userCall(r.Context(), http.MethodPost, "/v1/mini-apps/cashback", tok, map[string]any{"reference_id": ref, "amount": amount})
		if err == nil && a.status < 500 {
			break
		}
	}
	if (err != nil || a.status != 200) && !s.fault(FaultDisburseIgnoresError) {
		writeJSON(w, 409, map[string]any{"status": "failed", "gateway": a.body})
		return
	}
	data, _ := a.body["data"].(map[string]any)
	writeJSON(w, 200, map[string]any{"status": "sent", "transaction_id": data["transaction_id"]})
}

// --- payments ----------------------------------------------------------

func newOrderID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "ORD-" + hex.EncodeToString(b)
}

func parseCents(v string) (int64, bool) {
	whole, frac, ok := strings.Cut(v, ".")
	if !ok || len(frac) != 2 {
		return 0, false
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	return n, err == nil && n > 0
}

func cents(n int64) string { return fmt.Sprintf("%d.%02d", n/100, n%100) }

func (s *Shop) view(o *order) order {
	v := *o
	v.Refunded = cents(o.refunded)
	return v
}

func (s *Shop) checkout(w http.ResponseWriter, r *http.Request) {
	var in struct{ Amount string }
	if err := readJSON(r, &in); err != nil {
		writeJSON(w, 400, map[string]string{"error": "bad body"})
		return
	}
	c, ok := parseCents(in.Amount)
	if !ok {
		writeJSON(w, 400, map[string]string{"error": "amount must read like 15000.00"})
		return
	}
	o := &order{ID: newOrderID(), Amount: cents(c), Status: "pending", cents: c}
	s.mu.Lock()
	s.orders[o.ID] = o
	base := s.publicURL
	s.mu.Unlock()
	body := map[string]any{"partnerReferenceNo": o.ID, "merchantId": s.cfg.MerchantID,
		"amount": map[string]string{"value": o.Amount, "currency": "IDR"},
		"urlParam": []map[string]string{
			{"url": base + "/orders/" + o.ID + "/return", "type": "PAY_RETURN", "isDeeplink": "N"},
			{"url": base + NotifyPath, "type": "NOTIFICATION", "isDeeplink": "N"}},
		"validUpTo": timestamp(time.Now().Add(30 * time.Minute)),
		"payOptionDetails": []map[string]any{{"payMethod": "GOPAY", "payOption": "GOPAY_WALLET",
			"transAmount": map[string]string{"value": o.Amount, "currency": "IDR"}}},
	}
	if !s.fault(FaultOmitPopID) {
		body["additionalInfo"] = map[string]string{"popId": s.cfg.PopID}
	}
	a, err := s.snapCall(r.Context(), "/v1.0/debit/payment-host-to-host", body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil || a.code() != "2005400" {
		o.Status = "failed"
		writeJSON(w, 502, map[string]any{"order_id": o.ID, "status": o.Status, "gateway": a.body})
		return
	}
	o.Deeplink = a.str("appRedirectUrl")
	if o.Deeplink == "" {
		o.Deeplink = a.str("webRedirectUrl")
	}
	writeJSON(w, 200, map[string]any{"order_id": o.ID, "deeplink": o.Deeplink, "status": o.Status})
}

func (s *Shop) lookup(w http.ResponseWriter, r *http.Request) *order {
	s.mu.Lock()
	o := s.orders[r.PathValue("id")]
	s.mu.Unlock()
	if o == nil {
		writeJSON(w, 404, map[string]string{"error": "no such order"})
	}
	return o
}

func (s *Shop) getOrder(w http.ResponseWriter, r *http.Request) {
	if o := s.lookup(w, r); o != nil {
		s.mu.Lock()
		pending := o.Status == "pending"
		s.mu.Unlock()
		if pending && s.cfg.StatusOnRead && !s.fault(FaultNoReconcile) {
			_, _ = s.sync(r.Context(), o) // a failed read shows the order as it is
		}
		s.mu.Lock()
		v := s.view(o)
		s.mu.Unlock()
		writeJSON(w, 200, v)
	}
}

// launchReturn is where launchPayment brings the user back. It is
// navigation only: the order's state comes from the notify or the status
// API.
func (s *Shop) launchReturn(w http.ResponseWriter, r *http.Request) {
	o := s.lookup(w, r)
	if o == nil {
		return
	}
	if s.fault(FaultTrustLaunchRedirect) && r.URL.Query().Get("status") == "success" {
		s.markPaid(o, false)
	}
	if s.fault(FaultLaunchCancelFinal) && r.URL.Query().Get("status") == "cancelled" {
		s.mu.Lock()
		if o.Status == "pending" {
			o.Status = "cancelled"
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	v := s.view(o)
	s.mu.Unlock()
	writeJSON(w, 200, v)
}

// markPaid moves a pending order to paid and fulfils it once (every time
// under the double-fulfil fault).
func (s *Shop) markPaid(o *order, notify bool) {
	if notify && s.fault(FaultCheckThenAct) {
		s.mu.Lock()
		pending := o.Status == "pending"
		s.mu.Unlock()
		if !pending {
			return
		}
		time.Sleep(checkThenActWork) // the work between the check and the act
		s.mu.Lock()
		o.Status = "paid"
		o.Fulfilments++
		s.mu.Unlock()
		s.announce(o.ID)
		return
	}
	s.mu.Lock()
	reopen := notify && s.fault(FaultNotifyReopensOrder) && o.Status != "paid"
	fulfil := o.Status == "pending" || reopen || (notify && s.fault(FaultNotifyDoubleFulfil))
	if o.Status == "pending" || reopen {
		o.Status = "paid"
	}
	if fulfil {
		o.Fulfilments++
	}
	id := o.ID
	s.mu.Unlock()
	if fulfil {
		s.announce(id)
	}
}

// announce posts a fulfilment to the fulfilment webhook, when one is set.
func (s *Shop) announce(id string) {
	if s.cfg.FulfilmentWebhook != "" {
		b, _ := json.Marshal(map[string]string{"order_id": id})
		if resp, err := s.client.Post(s.cfg.FulfilmentWebhook, "application/json", bytes.NewReader(b)); err == nil {
			resp.Body.Close()
		}
	}
}

func (s *Shop) notify(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	unsigned := r.Header.Get("X-SIGNATURE") == "" || r.Header.Get("X-TIMESTAMP") == ""
	if s.fault(FaultNotifyVerifyOwnBody) {
		body = s.rebuiltNotify(body)
	}
	sig := r.Header.Get("X-SIGNATURE")
	s.mu.Lock()
	cached := s.fault(FaultSignatureCache) && s.seenSigs[sig]
	s.mu.Unlock()
	if !s.fault(FaultNotifyNoVerify) && !(unsigned && s.fault(FaultNotifyUnsigned)) && !cached {
		hash, err := bodyHash(body)
		if err != nil || verifyRSA(s.pub, "POST:"+r.URL.Path+":"+hash+":"+r.Header.Get("X-TIMESTAMP"), sig) != nil {
			writeJSON(w, 401, map[string]string{"responseCode": "4015600", "responseMessage": "Unauthorized. Invalid Signature"})
			return
		}
		if s.fault(FaultSignatureCache) {
			s.mu.Lock()
			s.seenSigs[sig] = true
			s.mu.Unlock()
		}
	}
	var n struct {
		Ref    string                 `json:"originalPartnerReferenceNo"`
		Status string                 `json:"latestTransactionStatus"`
		Amount struct{ Value string } `json:"amount"`
	}
	if json.Unmarshal(body, &n) != nil {
		writeJSON(w, 400, map[string]string{"responseCode": "4005600", "responseMessage": "Bad Request"})
		return
	}
	s.mu.Lock()
	o := s.orders[n.Ref]
	s.mu.Unlock()
	if o == nil {
		writeJSON(w, 404, map[string]string{"responseCode": "4045601", "responseMessage": "Transaction Not Found"})
		return
	}
	if n.Amount.Value != o.Amount && !s.fault(FaultNotifyNoAmountCheck) {
		writeJSON(w, 400, map[string]string{"responseCode": "4005601", "responseMessage": "Invalid Field Format amount"})
		return
	}
	if s.fault(FaultNotifyIgnoresStatus) {
		n.Status = "00"
	}
	if s.queue != nil {
		if !s.enqueue(n.Ref, n.Status) {
			writeJSON(w, 500, map[string]string{"responseCode": "5005601", "responseMessage": "Internal Server Error"})
			return
		}
	} else {
		s.book(o, n.Status)
	}
	writeJSON(w, 200, map[string]string{"responseCode": "2005600", "responseMessage": "Successful"})
}

// book applies a checked notify: 00 pays the order (once), 05 and 06
// close it unpaid when it is still pending.
func (s *Shop) book(o *order, status string) {
	switch status {
	case "00":
		s.markPaid(o, true)
	case "05", "06":
		s.mu.Lock()
		if o.Status == "pending" {
			o.Status = map[string]string{"05": "cancelled", "06": "failed"}[status]
		}
		s.mu.Unlock()
	}
}

// enqueue leaves a checked notify's booking to the queue: the queue-based
// design, which books the payment a moment after GoPay got its 2005600.
// The worker reads the order again (markPaid moves only a pending order to
// paid, under the lock), so a notify for an order cancelled meanwhile
// ships nothing. false: the queue is full or closed, and GoPay retries.
func (s *Shop) enqueue(id, status string) bool {
	return s.queue.Add(func(context.Context) error {
		s.mu.Lock()
		o := s.orders[id]
		s.mu.Unlock()
		if o != nil {
			s.book(o, status)
		}
		return nil // in memory: nothing here can fail
	})
}

// rebuiltNotify is the notify-verifies-own-body fault: the notify as the
// backend would have had GoPay send it, with the order's own amount, keys
// sorted and minified; the bytes received are dropped.
func (s *Shop) rebuiltNotify(body []byte) []byte {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	ref, _ := m["originalPartnerReferenceNo"].(string)
	s.mu.Lock()
	o := s.orders[ref]
	s.mu.Unlock()
	if o == nil {
		return body
	}
	m["amount"] = map[string]any{"value": o.Amount, "currency": "IDR"}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

func (s *Shop) reconcile(w http.ResponseWriter, r *http.Request) {
	o := s.lookup(w, r)
	if o == nil {
		return
	}
	if !s.fault(FaultNoReconcile) {
		if a, err := s.sync(r.Context(), o); err != nil {
			writeJSON(w, 502, map[string]any{"error": "status query failed", "gateway": a.body})
			return
		}
	}
	s.mu.Lock()
	v := s.view(o)
	s.mu.Unlock()
	writeJSON(w, 200, v)
}

// sync asks the status API about o and applies latestTransactionStatus:
// 00 pays it (once), 05 and 06 close it unpaid.
func (s *Shop) sync(ctx context.Context, o *order) (answer, error) {
	a, err := s.snapCall(ctx, "/v1.0/debit/status", map[string]string{"originalPartnerReferenceNo": o.ID, "serviceCode": "54"})
	if err == nil && a.code() != "2005500" {
		err = fmt.Errorf("status query answered %s", a.code())
	}
	if err != nil {
		return a, err
	}
	switch st := a.str("latestTransactionStatus"); {
	case st == "00" || s.fault(FaultStatusAnswerAsPaid):
		s.markPaid(o, false)
	case st == "05" || st == "06":
		s.mu.Lock()
		if o.Status == "pending" {
			o.Status = map[string]string{"05": "cancelled", "06": "failed"}[st]
		}
		s.mu.Unlock()
	}
	return a, nil
}

func (s *Shop) cancel(w http.ResponseWriter, r *http.Request) {
	o := s.lookup(w, r)
	if o == nil {
		return
	}
	ok := s.fault(FaultCancelLocalOnly)
	var a answer
	if !ok {
		var err error
		a, err = s.snapCall(r.Context(), "/v1.0/debit/cancel", map[string]string{"originalPartnerReferenceNo": o.ID})
		ok = (err == nil && a.code() == "2005700") || s.fault(FaultCancelIgnoresError)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ok {
		writeJSON(w, 409, map[string]any{"error": "GoPay refused the cancel", "gateway": a.body, "order": s.view(o)})
		return
	}
	o.Status = "cancelled"
	writeJSON(w, 200, s.view(o))
}

func (s *Shop) refund(w http.ResponseWriter, r *http.Request) {
	o := s.lookup(w, r)
	if o == nil {
		return
	}
	var in struct{ Amount string }
	_ = readJSON(r, &in)
	c, ok := parseCents(in.Amount)
	s.mu.Lock()
	left := o.cents - o.refunded
	if s.fault(FaultOverRefund) {
		left = o.cents
	}
	if !ok || (o.Status != "paid" && o.Status != "partially_refunded") || c > left {
		s.mu.Unlock()
		writeJSON(w, 409, map[string]string{"error": "cannot refund " + in.Amount})
		return
	}
	o.refundSeq++
	no := fmt.Sprintf("%s-R%d", o.ID, o.refundSeq)
	if s.fault(FaultRefundReuseReference) {
		no = o.ID + "-R"
	}
	s.mu.Unlock()
	if !s.fault(FaultRefundLocalOnly) {
		body := map[string]any{"originalPartnerReferenceNo": o.ID, "partnerRefundNo": no,
			"refundAmount": map[string]string{"value": cents(c), "currency": "IDR"}, "reason": "customer request"}
		a, err := s.snapCall(r.Context(), "/v1.0/debit/refund", body)
		if err == nil && a.status >= 500 {
			if s.fault(FaultRefundRetryNewRef) {
				body["partnerRefundNo"] = no + "-retry"
			}
			a, err = s.snapCall(r.Context(), "/v1.0/debit/refund", body) // the same partnerRefundNo
		}
		booked := err == nil && (a.code() == "2005800" || (a.code() == "4035802" && s.fault(FaultOverRefund)))
		if !booked && !s.fault(FaultRefundIgnoresRefusal) {
			writeJSON(w, 502, map[string]any{"error": "GoPay refused the refund", "gateway": a.body})
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o.refunded += c
	o.Status = "partially_refunded"
	if o.refunded == o.cents {
		o.Status = "refunded"
	}
	writeJSON(w, 200, map[string]any{"order": s.view(o), "partner_refund_no": no})
}

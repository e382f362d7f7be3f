package danawidgetshop

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/uatrun/uatrun/examples/internal/jobqueue"
)

// Fault is one switchable integration bug.
type Fault struct{ Name, Description string }

var faults = []Fault{
	{"stores-auth-code", "keeps the authCode from the redirect as the customer token and never calls Apply Token"},
	{"bind-ignores-token-error", "marks the account bound with whatever Apply Token answered, errors included, replacing a working binding"},
	{"never-refreshes", "on Token Expired gives up instead of refreshing the token with REFRESH_TOKEN"},
	{"reuse-ott", "caches the first OTT per user and puts it on every payment URL"},
	{"keeps-token-after-unbind", "keeps using the customer token after unbinding it or after DANA answered Invalid Customer Token"},
	{"trust-return-redirect", "marks the order paid when the shopper comes back to the PAY_RETURN page"},
	{"notify-no-verify", "accepts finish notifies without verifying X-SIGNATURE"},
	{"notify-double-fulfil", "fulfils again for every finish notify of a paid order"},
	{"cancel-local-only", "cancels in its own database without calling DANA's Cancel Order"},
	{"cancel-ignores-gateway-error", "marks the order cancelled even when DANA refuses the cancel"},
	{"over-refund", "sends refunds beyond what is left to refund and records them as done"},
	{"new-reference-on-retry", "retries a failed Widget Payment with a new partnerReferenceNo"},
	{"refund-new-reference-on-retry", "retries a refund that failed with a 5xx under a new partnerRefundNo"},
	{"reconcile-ignores-query", "reconciles by its own records only, never calling Query Payment"},
	{"oauth-ignores-state", "names the user on its OAuth redirectUrl and trusts it when the redirect's state is unknown, so an attacker's authCode links the victim's account (login CSRF)"},
	{"notify-ignores-amount", "marks the order paid from a verified notify without comparing its amount with the order's"},
	{"notify-ignores-status", "marks the order paid on any verified notify, failed and expired (05) ones included"},
	{"notify-unsigned-accepted", "verifies X-SIGNATURE only when the notify carries one"},
	{"echoes-tokens", "returns the customer's access and refresh tokens in its binding answer to the app"},
	{"paid-after-cancel", "marks a cancelled order paid and ships it when a paid notify arrives after the cancel"},
	{"reuse-external-id", "sends the same X-EXTERNAL-ID on every DANA call"},
	{"refund-ignores-gateway-error", "books a refund DANA refused"},
	{"refund-overwrites-total", "records each refund's amount as the order's refunded total instead of adding it to what was refunded before, so after a second partial refund the books show only the last one and a fully refunded order stays partially refunded"},
	{"tokens-by-masked-phone", "keeps customer tokens per masked DANA number (0812****0701), so two users whose masked numbers match share the last one's tokens"},
	{"notify-verifies-reserialised", "verifies X-SIGNATURE over its own re-serialisation of the parsed notify (the last of a duplicated key kept), then reads the fields from the received bytes (the first kept)"},
	{"notify-trusts-seen-signature", "remembers every X-SIGNATURE it verified and accepts a notify carrying one of them without verifying it against this body"},
	{"notify-pays-unless-paid", "moves any order that is not paid to paid on a verified paid notify (a refunded or cancelled one too), instead of pending orders only"},
	{"fulfil-check-then-act", "reads the order, works, then writes it paid and fulfils: concurrent copies of a notify all see it pending and all fulfil"},
	{"trust-return-from-cashier", "marks the order paid when the shopper comes back to PAY_RETURN from DANA's cashier (Referer on DANA's host), though the shopper may have pressed Cancel"},
	{"ship-queue-ignores-cancel", "ships from a queue a moment after a verified paid notify, without reading the order again: a paid notify for a cancelled order still ships it"},
	{"timestamp-utc-as-jakarta", "formats X-TIMESTAMP from the UTC clock with a literal +07:00, 7 hours behind Jakarta time"},
}

// shipQueueDelay is how long the ship-queue-ignores-cancel fault's queue
// waits before shipping: shorter than any run.hold the demos use, so the
// hold after a cancel sees the shipment land.
const shipQueueDelay = 25 * time.Millisecond

// checkThenActWork is the work between the check and the act of the
// fulfil-check-then-act fault.
const checkThenActWork = 250 * time.Millisecond // wider than any delay between copies sent at once, on a loaded CI machine under -race too

// Faults lists the switchable faults.
func Faults() []Fault { return append([]Fault(nil), faults...) }

// Config configures a Shop.
type Config struct {
	GatewayURL          string // DANA base URL (API, OAuth page and cashier), e.g. the emulator
	PublicURL           string // the shop's own base URL, for redirectUrl, PAY_RETURN and NOTIFICATION
	PartnerID           string
	MerchantID          string
	PrivateKeyPEM       []byte // signs requests
	GatewayPublicKeyPEM []byte // verifies finish notifies
	Faults              []string
	// QueueDelay, when positive, makes the shop a queue-based design: a
	// finish notify is verified and checked (order, amount) in the request
	// and acknowledged 2005600 at once, and a worker books and fulfils it
	// QueueDelay later, reading the order again first. 0 books it within
	// the request.
	QueueDelay time.Duration
}

type binding struct {
	phone, access, refresh string
	bound                  bool
	ott                    string // cached by the reuse-ott fault only
}

type order struct {
	ID, User, Status string
	AmountCents      int64
	Fulfilments      int
	RefundedCents    int64
	refunds          int
	queued           bool // its shipment is queued (ship-queue-ignores-cancel)
}

// Shop is the merchant. It is safe for concurrent use.
type Shop struct {
	cfg    Config
	key    *rsa.PrivateKey
	gwPub  *rsa.PublicKey
	fault  map[string]bool
	client *http.Client

	mu     sync.Mutex
	users  map[string]*binding
	states map[string]string   // OAuth state → user
	last   string              // the user who started a binding last (oauth-ignores-state)
	byMask map[string]*binding // tokens per masked phone (tokens-by-masked-phone)
	orders map[string]*order
	seq    int
	sigs   map[string]bool // X-SIGNATUREs verified (notify-trusts-seen-signature)

	queue *jobqueue.Queue // nil unless Config.QueueDelay > 0
}

// New checks cfg and returns a shop.
func New(cfg Config) (*Shop, error) {
	key, err := parsePrivate(cfg.PrivateKeyPEM)
	if err != nil {
		return nil, err
	}
	pub, err := parsePublic(cfg.GatewayPublicKeyPEM)
	if err != nil {
		return nil, err
	}
	s := &Shop{cfg: cfg, key: key, gwPub: pub, fault: map[string]bool{}, client: &http.Client{Timeout: 8 * time.Second},
		users: map[string]*binding{}, states: map[string]string{}, orders: map[string]*order{}, byMask: map[string]*binding{}, sigs: map[string]bool{}}
	for _, f := range cfg.Faults {
		known := false
		for _, k := range faults {
			known = known || k.Name == f
		}
		if !known {
			return nil, fmt.Errorf("unknown fault %q", f)
		}
		s.fault[f] = true
	}
	if cfg.QueueDelay < 0 {
		return nil, fmt.Errorf("queue delay %s must not be negative", cfg.QueueDelay)
	}
	s.cfg.GatewayURL = strings.TrimSuffix(cfg.GatewayURL, "/")
	s.cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	if cfg.QueueDelay > 0 {
		s.queue = jobqueue.New(cfg.QueueDelay, nil) // its jobs cannot fail
	}
	return s, nil
}

// SetPublicURL sets the shop's own base URL once it listens.
func (s *Shop) SetPublicURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.PublicURL = strings.TrimSuffix(u, "/")
}

func (s *Shop) publicURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.PublicURL
}

// Close stops the notify queue, if any (jobs not yet run are dropped, as
// a crashed worker's would be; reconcile's Query Payment books them). The
// shop keeps state in memory.
func (s *Shop) Close() error {
	if s.queue != nil {
		s.queue.Close()
	}
	return nil
}

// Handler serves the shop's API, its OAuth callback, PAY_RETURN page and
// notify endpoint.
func (s *Shop) Handler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("POST /users/{user}/bind", s.bind)
	m.HandleFunc("GET /oauth/callback", s.oauthCallback)
	m.HandleFunc("GET /users/{user}/binding", s.bindingStatus)
	m.HandleFunc("POST /users/{user}/unbind", s.unbind)
	m.HandleFunc("GET /users/{user}/balance", s.balance)
	m.HandleFunc("GET /users/{user}/profile", s.profile)
	m.HandleFunc("POST /checkout", s.checkout)
	m.HandleFunc("GET /orders/{id}", s.orderStatus)
	m.HandleFunc("POST /orders/{id}/cancel", s.cancel)
	m.HandleFunc("POST /orders/{id}/refund", s.refund)
	m.HandleFunc("POST /orders/{id}/reconcile", s.reconcile)
	m.HandleFunc("GET /return/{id}", s.returnPage)
	m.HandleFunc("POST /dana/notify", s.notify)
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	return http.MaxBytesHandler(m, 1<<20)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// bind starts a binding: the OAuth URL the shopper is sent to, with the
// phone pre-filled in seamlessData and a fresh state.
func (s *Shop) bind(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Phone string `json:"phone"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	user := r.PathValue("user")
	state := newID()
	s.mu.Lock()
	s.states[state] = user
	if s.users[user] == nil {
		s.users[user] = &binding{}
	}
	s.users[user].phone = in.Phone
	s.mu.Unlock()
	q := []string{"partnerId=" + url.QueryEscape(s.cfg.PartnerID), "scopes=CASHIER,AGREEMENT_PAY,QUERY_BALANCE,DEFAULT_BASIC_PROFILE,MINI_DANA",
		"externalId=" + newID(), "channelId=" + time.Now().In(jakarta).Format("20060102150405000") + "0000001",
		"redirectUrl=" + url.QueryEscape(s.publicURL()+"/oauth/callback"+s.callbackQuery(user)), "timestamp=" + url.QueryEscape(timestamp(time.Now())),
		"state=" + state, "isSnapBI=true", "merchantId=" + url.QueryEscape(s.cfg.MerchantID)}
	if in.Phone != "" {
		sd, _ := json.Marshal(map[string]string{"mobile": in.Phone})
		q = append(q, "seamlessData="+url.QueryEscape(string(sd)))
		if sig, err := sign(s.key, string(sd)); err == nil {
			q = append(q, "seamlessSign="+url.QueryEscape(sig))
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"oauth_url": s.cfg.GatewayURL + pathOAuth + "?" + strings.Join(q, "&")})
}

// callbackQuery is what the oauth-ignores-state fault adds to redirectUrl.
func (s *Shop) callbackQuery(user string) string {
	if s.fault["oauth-ignores-state"] {
		return "?user=" + url.QueryEscape(user)
	}
	return ""
}

// oauthCallback is redirectUrl: check the state, exchange the authCode.
func (s *Shop) oauthCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	user, ok := s.states[q.Get("state")]
	if u := q.Get("user"); !ok && s.fault["oauth-ignores-state"] && s.users[u] != nil {
		user, ok = u, true
	}
	s.mu.Unlock()
	page := func(status int, msg string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<!doctype html><p>%s</p>", msg)
	}
	if !ok {
		page(http.StatusBadRequest, "unknown binding request")
		return
	}
	code := q.Get("authCode")
	if s.fault["stores-auth-code"] {
		s.mu.Lock()
		b := s.users[user]
		b.access, b.bound = code, code != ""
		s.mu.Unlock()
		page(http.StatusOK, "DANA linked")
		return
	}
	if code == "" && !s.fault["bind-ignores-token-error"] {
		page(http.StatusOK, "DANA was not linked")
		return
	}
	a, err := s.call(pathApplyToken, map[string]any{"grantType": "AUTHORIZATION_CODE", "authCode": code, "refreshToken": "", "additionalInfo": map[string]any{}}, true, "")
	if err != nil {
		page(http.StatusBadGateway, "DANA unreachable")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.users[user]
	if a.code != "2007400" && !s.fault["bind-ignores-token-error"] {
		page(http.StatusOK, "DANA could not link the account: "+a.message)
		return
	}
	b.access, b.refresh, b.bound, b.ott = a.str("accessToken"), a.str("refreshToken"), true, ""
	if s.fault["tokens-by-masked-phone"] {
		s.byMask[masked(b.phone)] = &binding{access: b.access, refresh: b.refresh, bound: true}
	}
	page(http.StatusOK, "DANA linked")
}

func (s *Shop) bindingOf(user string) (binding, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.users[user]
	if b == nil || !b.bound {
		return binding{}, false
	}
	if t := s.byMask[masked(b.phone)]; s.fault["tokens-by-masked-phone"] && t != nil {
		out := *b
		out.access, out.refresh = t.access, t.refresh
		return out, true
	}
	return *b, true
}

func (s *Shop) bindingStatus(w http.ResponseWriter, r *http.Request) {
	b, ok := s.bindingOf(r.PathValue("user"))
	if s.fault["echoes-tokens"] && ok {
		writeJSON(w, http.StatusOK, map[string]any{"bound": ok, "access_token": b.access, "refresh_token": b.refresh})
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"bound": ok})
}

// markUnbound forgets a binding DANA no longer honours.
func (s *Shop) markUnbound(user string) {
	if s.fault["keeps-token-after-unbind"] {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.users[user]; b != nil {
		b.bound, b.access, b.refresh, b.ott = false, "", "", ""
	}
}

// withToken runs a token-bearing call, refreshing once on Token Expired
// and forgetting the binding on Invalid Customer Token.
func (s *Shop) withToken(user string, call func(token string) (answer, error)) (answer, int, error) {
	b, ok := s.bindingOf(user)
	if !ok {
		return answer{}, http.StatusConflict, fmt.Errorf("no DANA account is linked; bind first")
	}
	a, err := call(b.access)
	if err == nil && strings.HasPrefix(a.code, "401") && strings.HasSuffix(a.code, "01") && !s.fault["never-refreshes"] {
		rt, err2 := s.call(pathApplyToken, map[string]any{"grantType": "REFRESH_TOKEN", "refreshToken": b.refresh, "additionalInfo": map[string]any{}}, true, "")
		if err2 == nil && rt.code == "2007400" {
			s.mu.Lock()
			nb := s.users[user]
			nb.access, nb.refresh = rt.str("accessToken"), rt.str("refreshToken")
			if t := s.byMask[masked(nb.phone)]; s.fault["tokens-by-masked-phone"] && t != nil {
				t.access, t.refresh = nb.access, nb.refresh
			}
			s.mu.Unlock()
			a, err = call(rt.str("accessToken"))
		} else if err2 == nil {
			s.markUnbound(user)
			return rt, http.StatusConflict, fmt.Errorf("DANA refused the refresh (%s %s); bind again", rt.code, rt.message)
		}
	}
	if err != nil {
		return a, http.StatusBadGateway, err
	}
	if strings.HasPrefix(a.code, "401") && strings.HasSuffix(a.code, "02") {
		s.markUnbound(user)
		return a, http.StatusConflict, fmt.Errorf("DANA no longer honours this binding (%s %s); bind again", a.code, a.message)
	}
	if !strings.HasPrefix(a.code, "2") {
		return a, http.StatusBadGateway, fmt.Errorf("DANA answered %s %s", a.code, a.message)
	}
	return a, http.StatusOK, nil
}

// masked is a phone number as DANA shows it: 0812****0701.
func masked(phone string) string {
	if len(phone) < 8 {
		return phone
	}
	return phone[:4] + "****" + phone[len(phone)-4:]
}

func tokenInfo(token string) map[string]any {
	return map[string]any{"accessToken": token, "deviceId": "dana-widget-shop"}
}

func (s *Shop) unbind(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("user")
	_, status, err := s.withToken(user, func(t string) (answer, error) {
		return s.call(pathUnbinding, map[string]any{"merchantId": s.cfg.MerchantID, "partnerReferenceNo": newID(), "additionalInfo": tokenInfo(t)}, false, t)
	})
	if err != nil && status != http.StatusConflict {
		fail(w, status, err.Error())
		return
	}
	s.markUnbound(user)
	writeJSON(w, http.StatusOK, map[string]bool{"bound": false})
}

func (s *Shop) balance(w http.ResponseWriter, r *http.Request) {
	a, status, err := s.withToken(r.PathValue("user"), func(t string) (answer, error) {
		return s.call(pathBalance, map[string]any{"partnerReferenceNo": newID(), "balanceTypes": []string{"BALANCE"}, "additionalInfo": tokenInfo(t)}, false, t)
	})
	if err != nil {
		fail(w, status, err.Error())
		return
	}
	infos, _ := a.body["accountInfos"].([]any)
	bal := ""
	if len(infos) > 0 {
		if m, ok := infos[0].(map[string]any); ok {
			bal = answer{body: m}.str("availableBalance", "value")
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"balance": bal})
}

func (s *Shop) profile(w http.ResponseWriter, r *http.Request) {
	b, ok := s.bindingOf(r.PathValue("user"))
	if !ok {
		fail(w, http.StatusConflict, "no DANA account is linked")
		return
	}
	a, err := s.openAPI(pathProfile, "dana.member.query.queryUserProfile", map[string]any{"userResources": []string{"MASK_DANA_ID", "USER_KYC"}, "accessToken": b.access})
	if err != nil || a.code != "SUCCESS" {
		fail(w, http.StatusBadGateway, "profile query failed: "+a.code)
		return
	}
	out := map[string]string{}
	infos, _ := a.body["response"].(map[string]any)["body"].(map[string]any)["userResourceInfos"].([]any)
	for _, i := range infos {
		m, _ := i.(map[string]any)
		k, _ := m["resourceType"].(string)
		v, _ := m["value"].(string)
		out[strings.ToLower(k)] = v
	}
	writeJSON(w, http.StatusOK, out)
}

package dana

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/tidwall/gjson"

	"github.com/uatrun/uatrun/harness/emulator"
	"github.com/uatrun/uatrun/harness/emulator/bisnap"
	"github.com/uatrun/uatrun/harness/evidence"
)

// SignatureScheme names the merchant → DANA signature in evidence.
const SignatureScheme = bisnap.SchemeAsymmetric

// inbound is one merchant request on its way through validation.
type inbound struct {
	emulator.Inbound
	api   api
	debug bool
	doc   gjson.Result
	sig   *evidence.SignatureCheck
}

// handler processes one SNAP API call and returns the answer; it runs after
// headers, signature and JSON syntax have been checked.
type handler func(in *inbound) *reply

// serve wraps an API handler in the shared pipeline: read, validate in
// DANA's order, answer, record.
func (e *Emulator) serve(a api, h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		in := e.receive(c.Request, a)
		rep := e.process(in, h)
		e.answer(c, in, rep)
	}
}

// receive reads the bounded body and stamps the call.
func (e *Emulator) receive(r *http.Request, a api) *inbound {
	return &inbound{Inbound: e.rec.Receive(r), api: a,
		debug: strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Debug-Mode")), "true")}
}

// process applies DANA's validation order (§1.2): mandatory headers →
// header formats → signature → body mandatory → body formats → business
// rules. A pending respond_next answer wins over all of it, but the
// signature and X-EXTERNAL-ID are still checked and recorded. Nothing
// parses the body before a byte scan has bounded its nesting
// (emulator.MaxJSONDepth): a deeper body is answered Invalid Field Format
// right after the header checks, its signature left unchecked.
func (e *Emulator) process(in *inbound, h handler) *reply {
	if in.TooBig {
		return in.api.fail(http.StatusRequestEntityTooLarge, "00", "Request Entity Too Large",
			"the request body exceeds 1 MiB; DANA create-order bodies are a few KiB")
	}
	pre := e.checkHeaders(in)
	// A cheap byte scan bounds the nesting before anything parses the
	// body, the signature's minifier included: a nesting bomb is answered
	// as a malformed body and costs no more than its bytes.
	deep := emulator.CheckJSONDepth(in.Body, emulator.MaxJSONDepth)
	var sigErr *reply
	if deep == nil {
		sigErr = e.checkSignature(in)
	} else if strings.TrimSpace(in.Req.Header.Get("X-SIGNATURE")) != "" {
		in.sig = &evidence.SignatureCheck{Scheme: SignatureScheme,
			Detail: "not checked: " + deep.Error() + ", so it cannot be minified"}
	}
	if pre == nil {
		pre = sigErr
	}
	if pre == nil && deep != nil {
		pre = in.api.format("request body", deep.Error()+"; DANA request bodies are one shallow JSON object")
	}
	if pre == nil {
		pre = e.checkPartner(in)
	}
	var reuse *reply
	if pre == nil {
		reuse = e.trackExternalID(in)
	}
	if ov := e.takeOverride(in.api.name); ov != nil {
		return ov
	}
	if pre != nil {
		return pre
	}
	if reuse != nil {
		return reuse
	}
	if !utf8.Valid(in.Body) {
		return in.api.format("request body", "the body is not valid UTF-8; it must be one JSON object, minified or not, in UTF-8")
	}
	if !gjson.ValidBytes(in.Body) || !gjson.ParseBytes(in.Body).IsObject() {
		return in.api.format("request body", "the body must be one JSON object, minified or not, in UTF-8")
	}
	in.doc = gjson.ParseBytes(in.Body)
	return h(in)
}

// checkHeaders checks presence, then format, of the SNAP headers, and
// judges X-TIMESTAMP against the wall clock when a skew is set.
func (e *Emulator) checkHeaders(in *inbound) *reply {
	_, rep := bisnap.TransactionHeaders.Check(in.api.snap(), in.Req.Header, e.o.TimestampSkew, e.wall.Now())
	return fromSNAP(rep)
}

// checkSignature verifies X-SIGNATURE over the minified received bytes and
// records the check. It returns the 401 answer when it does not verify.
func (e *Emulator) checkSignature(in *inbound) *reply {
	if strings.TrimSpace(in.Req.Header.Get("X-SIGNATURE")) == "" {
		return nil // reported as a missing header
	}
	check, rep := bisnap.VerifyAsymmetric(in.api.snap(), e.o.MerchantPublicKey, in.Req.URL.Path, in.Body, in.Req.Header)
	in.sig = check
	return fromSNAP(rep)
}

// checkPartner compares X-PARTNER-ID with the configured client id.
func (e *Emulator) checkPartner(in *inbound) *reply {
	got := in.Req.Header.Get("X-PARTNER-ID")
	if e.o.PartnerID == "" || got == e.o.PartnerID {
		return nil
	}
	return in.api.fail(http.StatusUnauthorized, "00", "Unauthorized. Unknown X-PARTNER-ID",
		"X-PARTNER-ID "+quote(got)+" is not the clientId this gateway was configured with")
}

// trackExternalID remembers X-EXTERNAL-ID per partner (bisnap.ExternalIDs
// says for how long and how) and handles a reuse per Options. Only
// authenticated calls reach it.
func (e *Emulator) trackExternalID(in *inbound) *reply {
	ext := in.Req.Header.Get("X-EXTERNAL-ID")
	if strings.TrimSpace(ext) == "" {
		return nil
	}
	e.mu.Lock()
	first, reused := e.st.extIDs.Use(in.Req.Header.Get("X-PARTNER-ID"), ext, in.Seq, e.wall.Now(), e.clk)
	e.mu.Unlock()
	if !reused {
		return nil
	}
	msg := bisnap.ReuseViolation(ext, first)
	if e.o.ExternalIDReuse == ReuseReject {
		return in.api.fail(http.StatusConflict, "00", "Conflict", msg+"; X-EXTERNAL-ID must be unique per day")
	}
	in.Violations = append(in.Violations, msg)
	return nil
}

// answer writes the reply in DANA's shape and records the call.
func (e *Emulator) answer(c *gin.Context, in *inbound, rep *reply) {
	body := rep.body(in)
	status := httpStatus(rep.code)
	c.Data(status, "application/json", body)
	call := emulator.Call{API: in.api.name, Signature: in.sig, ResponseCode: rep.code, Violations: in.Violations, Hint: rep.debug}
	e.rec.AddCall(call, in.Inbound, in.Violations, emulator.Answer{Status: status, Header: c.Writer.Header(), Body: body})
}

// body renders a reply in DANA's envelope (bisnap.Service.Envelope).
func (rep *reply) body(in *inbound) []byte {
	return in.api.snap().Envelope(&bisnap.Reply{Code: rep.code, Message: rep.message, Fields: rep.fields, Debug: rep.debug}, in.Body, in.debug)
}

package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"golang.org/x/time/rate"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// DefaultAdmin is the admin account of a Config without Admins, the name
// the vendor's console gives the first admin.
const DefaultAdmin = "administrator"

// Config configures an [Emulator].
type Config struct {
	// SDKAppID is the app the emulator serves; requests for another
	// SDKAppID get 60006. Required.
	SDKAppID uint64
	// Key is the app's secret key, which UserSigs are verified with.
	// Required. It is never logged or answered.
	Key string
	// Admins are the app admin accounts; the REST API refuses any other
	// identifier (30004 for sns, 10007 for group). Default
	// {DefaultAdmin}.
	Admins []string
	// Seed is the initial state; nil for none.
	Seed *Seed
	// RateLimits enforces the call rate the document gives each
	// operation (spec.Operation.Rate, x-tim-rate-limit: 200/s for sns,
	// 1/s for get_appid_group_list). A call over the rate gets 60007.
	RateLimits bool
	// Rates overrides the call rate of single operations, by operationId
	// (any operation of the document, such as GetFriendLists or
	// ListGroupIDs), in calls per second, whether RateLimits is set or
	// not; 0 turns the limit off for that operation.
	Rates map[string]float64
	// Faults configures fault injection; the zero value injects nothing.
	Faults Faults
	// Now is the clock for UserSig checks, call rates and the times the
	// state records (friend_import's and friend_add's AddTime, a remark's
	// RemarkTime, black_list_add's AddBlackTimeStamp, a seed's defaults);
	// default time.Now. Tests pass a fake clock. It must be safe for
	// concurrent use.
	Now func() time.Time
	// Logger receives one line per call (operation, identifier, code,
	// duration, any injected fault, and stateful=false for a call the
	// generic fallback answered); nil for no logging. The UserSig and the
	// key are never logged.
	Logger *slog.Logger
}

// Emulator is an in-memory Tencent Cloud IM REST API server for the
// operations of openapi/. It is an http.Handler; create it with [New]. It
// is safe for concurrent use.
type Emulator struct {
	env      *env
	sdkAppID uint64
	key      string
	admins   map[string]bool
	now      func() time.Time
	log      *slog.Logger

	// mu guards the state of every family, so that a call that reads
	// several (friend_get_list reads friends and profiles) sees one
	// consistent state.
	mu       sync.RWMutex
	accounts *accountFamily
	profiles *profileFamily
	sns      *snsFamily
	groups   *groupFamily

	// behaviours are the hand-written behaviours of the operations, set
	// by the families (see operations.go); set once by New.
	behaviours behaviours

	sigMu    sync.Mutex
	sigCache map[string]time.Time // identifier NUL UserSig → its expiry

	limiters map[string]*rate.Limiter // by operationId; absent: no limit
	faults   *injector
	latency  time.Duration
	stats    *statsRecorder
	handler  http.Handler
}

// New returns an Emulator for cfg, with the state of cfg.Seed.
func New(cfg Config) (*Emulator, error) {
	env, err := loadEnv()
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.SDKAppID == 0:
		return nil, errors.New("emulator: Config.SDKAppID is 0")
	case cfg.Key == "":
		return nil, errors.New("emulator: Config.Key is empty")
	}
	if err := cfg.Faults.Validate(); err != nil {
		return nil, err
	}
	e := &Emulator{
		env:      env,
		sdkAppID: cfg.SDKAppID,
		key:      cfg.Key,
		admins:   map[string]bool{},
		now:      cfg.Now,
		log:      cfg.Logger,
		accounts: newAccountFamily(),
		profiles: newProfileFamily(),
		limiters: map[string]*rate.Limiter{},
		sigCache: map[string]time.Time{},
		faults:   newInjector(cfg.Faults),
		latency:  cfg.Faults.Latency,
		stats:    newStatsRecorder(),
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.accounts.e, e.profiles.e = e, e
	e.sns, e.groups = newSNSFamily(e), newGroupFamily(e)
	for _, f := range e.families() {
		f.register(&e.behaviours)
	}
	if err := e.servable(); err != nil {
		return nil, err
	}
	admins := cfg.Admins
	if len(admins) == 0 {
		admins = []string{DefaultAdmin}
	}
	for _, a := range admins {
		if r := spec.CheckAdmin(a); r != "" {
			return nil, fmt.Errorf("emulator: Config.Admins: %q: %s", a, r)
		}
		e.admins[a] = true
	}
	for op, r := range cfg.Rates {
		if spec.ByID(op) == nil {
			return nil, fmt.Errorf("emulator: Config.Rates: unknown operation %q", op)
		}
		if !(r >= 0) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("emulator: Config.Rates[%s]: %v is not a rate", op, r)
		}
	}
	for _, o := range spec.Operations {
		r := 0.0
		if cfg.RateLimits {
			r = o.Rate
		}
		if v, ok := cfg.Rates[o.ID]; ok {
			r = v
		}
		if r > 0 {
			e.limiters[o.ID] = rate.NewLimiter(rate.Limit(r), max(1, int(math.Ceil(r))))
		}
	}
	strict := gen.NewStrictHandlerWithOptions(dispatch{e}, []gen.StrictMiddlewareFunc{recordCode},
		gen.StrictHTTPServerOptions{
			RequestErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
				c := callFrom(r.Context())
				e.fail(w, c, e.env.codes[c.op].badRequest, "invalid request body")
			},
			ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
				c := callFrom(r.Context())
				if tw, ok := w.(*trackingWriter); ok && tw.started {
					// Writing the answer failed (the client has gone):
					// the call took effect and its code stands. Another
					// answer could only be a superfluous WriteHeader.
					c.undelivered = true
					return
				}
				e.fail(w, c, e.env.codes[c.op].transient[0], "internal error")
			},
		})
	e.handler = gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			c := callFrom(r.Context())
			e.fail(w, c, e.env.codes[c.op].badRequest, "invalid request")
		},
	})
	if err := e.Apply(cfg.Seed); err != nil {
		return nil, err
	}
	return e, nil
}

// callInfo is what the emulator learns about one call, for its answer,
// its log line and its statistics.
type callInfo struct {
	op          string
	path        string
	identifier  string
	code        int32 // the answer's ErrorCode; -1 when there was none
	status      int   // HTTP status; 0 for a dropped connection
	fault       faultKind
	delayed     bool
	rateLimited bool
	undelivered bool           // the answer's writing failed: the client had gone
	fallback    bool           // the generic fallback answered: not stateful
	itemErrs    map[int]string // batch items that broke the schema (classify), by index
}

// trackingWriter notes whether an answer has been started, so that an
// error in writing it is not answered a second time.
type trackingWriter struct {
	http.ResponseWriter
	started bool
}

func (w *trackingWriter) WriteHeader(status int) {
	w.started = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *trackingWriter) Write(b []byte) (int, error) {
	w.started = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *trackingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type callKey struct{}

func withCall(ctx context.Context, c *callInfo) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// callFrom returns the call of ctx, or a throwaway one.
func callFrom(ctx context.Context) *callInfo {
	if c, ok := ctx.Value(callKey{}).(*callInfo); ok {
		return c
	}
	return &callInfo{code: -1}
}

// ServeHTTP serves the REST API under /v4/. Every answer the "service"
// gives is HTTP 200 with ActionStatus and ErrorCode in the body; HTTP 502
// and dropped connections happen only as injected faults.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c := &callInfo{code: -1, status: http.StatusOK, path: r.URL.Path}
	defer e.finish(c, start)
	e.serve(w, r, c)
}

func (e *Emulator) serve(w http.ResponseWriter, r *http.Request, c *callInfo) {
	route, _, err := e.env.validator.Route(r)
	if err != nil {
		if r.Method != http.MethodPost && e.isOperationPath(r.URL.Path) {
			e.fail(w, c, codeHTTPParse, "HTTP parse error: the REST API takes POST requests only")
			return
		}
		e.fail(w, c, codeBadURL, "bad request URL: no such API")
		return
	}
	c.op = route.Operation.OperationID
	oc := e.env.codes[c.op]
	q := r.URL.Query()
	c.identifier = q.Get("identifier")

	if e.latency > 0 {
		c.delayed = true
		t := time.NewTimer(e.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch kind, pick := e.faults.draw(len(oc.transient)); kind {
	case faultDrop:
		c.fault, c.status = kind, 0
		dropConnection(w)
		return
	case fault502:
		c.fault, c.status = kind, http.StatusBadGateway
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")
		return
	case faultTransient:
		c.fault = kind
		e.fail(w, c, oc.transient[pick], "internal error, retry (injected)")
		return
	}

	if code, info := e.authenticate(c.op, q); code != 0 {
		e.fail(w, c, code, info)
		return
	}
	if lim := e.limiters[c.op]; lim != nil && !lim.AllowN(e.now(), 1) {
		c.rateLimited = true
		e.fail(w, c, codeRateLimited, "REST API call rate over the limit")
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	switch {
	case err != nil:
		e.fail(w, c, codeBadJSON, "request body unreadable or over the size limit")
		return
	case len(bytes.TrimSpace(body)) == 0:
		e.fail(w, c, codeBadJSON, "request body is empty; send {} for no fields")
		return
	case !json.Valid(body):
		e.fail(w, c, codeBadJSON, "request body is not valid JSON")
		return
	}
	// The service reads contenttype=json from the URL, not the header.
	r.Header.Set("Content-Type", "application/json")
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	in, err := e.env.validator.RequestInput(r)
	if err != nil {
		e.fail(w, c, oc.badRequest, "invalid request")
		return
	}
	in.Options.KeepValidatedValue = true
	// authenticate has checked the query parameters, with the same
	// contract function the Validator's AuthenticationFunc uses.
	in.Options.AuthenticationFunc = openapi3filter.NoopAuthenticationFunc
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		items, whole := e.classify(c.op, err, body)
		if whole != "" {
			e.fail(w, c, oc.badRequest, whole)
			return
		}
		c.itemErrs = items
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	e.handler.ServeHTTP(&trackingWriter{ResponseWriter: w}, r.WithContext(withCall(r.Context(), c)))
}

// isOperationPath reports whether path is one of the document's paths.
func (e *Emulator) isOperationPath(path string) bool { return spec.ByPath(path) != nil }

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2, a recorder): abort the answer instead.
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// authenticate checks the common query parameters and the UserSig, and
// that the identifier is an admin. It returns 0 or the error code and
// its ErrorInfo; neither ever contains the UserSig.
func (e *Emulator) authenticate(op string, q url.Values) (int, string) {
	c := e.env.contract
	if v := q["sdkappid"]; len(v) == 0 || (len(v) == 1 && v[0] == "") {
		return codeMissingAppID, "sdkappid is missing"
	}
	order := []string{"sdkappid", "identifier", "usersig", "random", "contenttype"}
	for _, name := range c.QueryParamNames() { // any the document adds
		if !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	for _, name := range order {
		v := q[name]
		if name == "usersig" && (len(v) == 0 || (len(v) == 1 && v[0] == "")) {
			return codeSigEmpty, "usersig is empty"
		}
		if err := c.CheckQueryParam(name, v); err != nil {
			return codeBadQuery, err.Error()
		}
	}
	appID, err := strconv.ParseUint(q.Get("sdkappid"), 10, 64)
	if err != nil || appID != e.sdkAppID {
		return codeBadSDKAppID, "invalid sdkappid: no such app"
	}
	identifier := q.Get("identifier")
	if err := e.verifyUserSig(q.Get("usersig"), identifier); err != nil {
		switch {
		case errors.Is(err, auth.ErrExpired):
			return codeSigExpired, "usersig expired"
		case errors.Is(err, auth.ErrIdentifierMismatch):
			return codeSigIdentifier, "identifier does not match the usersig"
		case errors.Is(err, auth.ErrSDKAppIDMismatch):
			return codeSigAppID, "sdkappid does not match the usersig"
		case errors.Is(err, auth.ErrBadSignature):
			return codeSigCheckFailed, "usersig check failed"
		default:
			return codeSigInvalid, "usersig is invalid"
		}
	}
	if !e.admins[identifier] {
		return e.env.codes[op].permission, "the REST API requires an app admin identifier"
	}
	return 0, ""
}

// verifyUserSig checks userSig for identifier in the emulator's app at
// the emulator's time. UserSigs that passed are remembered with their
// expiry, so that a client reusing its UserSig (as auth.Signer does) is
// not decoded and hashed again on every call.
func (e *Emulator) verifyUserSig(userSig, identifier string) error {
	now := e.now()
	cacheKey := identifier + "\x00" + userSig
	e.sigMu.Lock()
	exp, ok := e.sigCache[cacheKey]
	e.sigMu.Unlock()
	if ok && now.Unix() <= exp.Unix() { // auth's rule: valid through the second of expiry
		return nil
	}
	claims, err := auth.VerifyUserSig(userSig, e.sdkAppID, e.key, identifier, now)
	if err != nil {
		return err
	}
	e.sigMu.Lock()
	if len(e.sigCache) >= maxSigCache {
		clear(e.sigCache)
	}
	e.sigCache[cacheKey] = claims.ExpiresAt()
	e.sigMu.Unlock()
	return nil
}

// maxSigCache bounds the verified-UserSig cache; it is emptied when full.
const maxSigCache = 4096

// classify sorts the schema errors of a request body. For the batch
// writes whose items are objects with a key (batchItemKeys:
// friend_import, friend_add, friend_update), errors inside one item of
// the batch, other than in its key, fail that item only, with the
// bad-parameter code, as long as the body still decodes and the item has
// its key; everything else fails the whole request, described by whole.
func (e *Emulator) classify(op string, err error, body []byte) (items map[int]string, whole string) {
	leaves, all := schemaErrors(err)
	keysOf := batchItemKeys[op]
	if !all || len(leaves) == 0 || keysOf == nil {
		return nil, schemaErrorText(err)
	}
	keys, ok := keysOf(body)
	if !ok {
		return nil, schemaErrorText(err)
	}
	batch := spec.ByID(op).Batch
	items = map[int]string{}
	for _, se := range leaves {
		ptr := se.JSONPointer()
		if len(ptr) < 2 || ptr[0] != batch.Items || (len(ptr) >= 3 && ptr[2] == batch.Key) {
			return nil, schemaErrorText(err)
		}
		i, convErr := strconv.Atoi(ptr[1])
		if convErr != nil || i < 0 || i >= len(keys) || keys[i] == "" {
			return nil, schemaErrorText(err)
		}
		if _, dup := items[i]; !dup {
			items[i] = schemaErrorLine(se)
		}
	}
	return items, ""
}

// batchItemKeys are the operations whose batch items fail one by one
// when they break the schema (see classify), with a function that
// decodes a body of the operation and returns the key of each item, or
// false when the body does not decode. The behaviours of these
// operations read callInfo.itemErrs.
var batchItemKeys = map[string]func(body []byte) ([]string, bool){
	spec.ImportFriends.ID: itemKeys(func(r *gen.ImportFriendsRequest) []gen.AddFriendItem { return r.AddFriendItem },
		func(it *gen.AddFriendItem) string { return it.ToAccount }),
	spec.AddFriends.ID: itemKeys(func(r *gen.AddFriendsRequest) []gen.FriendAddItem { return r.AddFriendItem },
		func(it *gen.FriendAddItem) string { return it.ToAccount }),
	spec.UpdateFriends.ID: itemKeys(func(r *gen.UpdateFriendsRequest) []gen.FriendUpdateItem { return r.UpdateItem },
		func(it *gen.FriendUpdateItem) string { return it.ToAccount }),
}

// itemKeys makes a batchItemKeys function for a request type R whose
// batch items are I.
func itemKeys[R, I any](items func(*R) []I, key func(*I) string) func([]byte) ([]string, bool) {
	return func(body []byte) ([]string, bool) {
		var req R
		if json.Unmarshal(body, &req) != nil {
			return nil, false
		}
		its := items(&req)
		keys := make([]string, len(its))
		for i := range its {
			keys[i] = key(&its[i])
		}
		return keys, true
	}
}

// failAnswer is the body of a FAIL answer: only the three fields every
// answer has, as the service sends them.
type failAnswer struct {
	ActionStatus gen.ActionStatus `json:"ActionStatus"`
	ErrorCode    int32            `json:"ErrorCode"`
	ErrorInfo    string           `json:"ErrorInfo"`
}

// fail answers HTTP 200 with ActionStatus FAIL and code.
func (e *Emulator) fail(w http.ResponseWriter, c *callInfo, code int, info string) {
	c.code = int32(code)
	b, _ := json.Marshal(failAnswer{ActionStatus: gen.ActionStatusFail, ErrorCode: int32(code), ErrorInfo: info})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(append(b, '\n'))
}

// finish records and logs a call.
func (e *Emulator) finish(c *callInfo, start time.Time) {
	e.stats.record(c)
	if e.log == nil {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	if c.op != "" {
		attrs = append(attrs, slog.String("op", c.op))
	} else {
		attrs = append(attrs, slog.String("path", shorten(c.path)))
	}
	attrs = append(attrs, slog.String("identifier", shorten(c.identifier)))
	if c.code >= 0 {
		attrs = append(attrs, slog.Int("code", int(c.code)))
	}
	if c.status != http.StatusOK {
		attrs = append(attrs, slog.Int("http", c.status))
	}
	if c.fault != faultNone {
		attrs = append(attrs, slog.String("fault", c.fault.String()))
	}
	if c.undelivered {
		attrs = append(attrs, slog.Bool("undelivered", true))
	}
	if c.fallback {
		attrs = append(attrs, slog.Bool("stateful", false))
	}
	attrs = append(attrs, slog.Duration("duration", time.Since(start)))
	e.log.LogAttrs(context.Background(), slog.LevelInfo, "call", attrs...)
}

// shorten cuts untrusted text for a log line.
func shorten(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// recordCode is a strict-server middleware that notes the ErrorCode of
// the answer: a generated answer type (answerCode, generated) or one of
// the emulator's own (coded).
func recordCode(f gen.StrictHandlerFunc, _ string) gen.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
		resp, err := f(ctx, w, r, req)
		if err == nil {
			if code, ok := answerCode(resp); ok {
				callFrom(ctx).code = code
			} else if a, ok := resp.(coded); ok {
				callFrom(ctx).code = a.errorCode()
			}
		}
		return resp, err
	}
}

package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestGenUserSigAtDocument checks the whole document, and so TLS.sig, of a
// UserSig made with a pinned clock against the algorithm written out in
// the test.
func TestGenUserSigAtDocument(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		appID      uint64
		key        string
		identifier string
		ttl        time.Duration
		now        time.Time
		wantIDJSON string // the identifier as JSON.stringify writes it
		wantExpire int64
	}{
		{"admin", testAppID, testKey, testAdmin, 24 * time.Hour, t0, `"administrator"`, 86400},
		{"180 days", testAppID, testKey, testAdmin, 180 * 24 * time.Hour, t0, `"administrator"`, 15552000},
		{"fraction of a second dropped", 1, "k", "a", 1500 * time.Millisecond, t0.Add(999 * time.Millisecond), `"a"`, 1},
		{"epoch", 20000001, testKey, "admin", time.Hour, time.Unix(0, 0), `"admin"`, 3600},
		{"uint64 app id", 1<<64 - 1, testKey, "admin", time.Hour, t0, `"admin"`, 3600},
		{"unicode", testAppID, testKey, "管理员", time.Hour, t0, `"管理员"`, 3600},
		{"html is not escaped", testAppID, testKey, "<a>&b", time.Hour, t0, `"<a>&b"`, 3600},
		{"escapes", testAppID, testKey, "q\"b\\s/", time.Hour, t0, `"q\"b\\s/"`, 3600},
		{"line separators raw", testAppID, testKey, "a\u2028b\u2029c", time.Hour, t0, "\"a\u2028b\u2029c\"", 3600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := GenUserSigAt(tt.appID, tt.key, tt.identifier, tt.ttl, tt.now)
			if err != nil {
				t.Fatalf("GenUserSigAt: %v", err)
			}
			if strings.ContainsAny(got, "+/=") {
				t.Errorf("UserSig %q contains a character of the standard base64 alphabet", got)
			}
			sig := refSig(tt.key, tt.identifier, tt.appID, tt.now.Unix(), tt.wantExpire, nil)
			want := fmt.Sprintf(`{"TLS.ver":"2.0","TLS.identifier":%s,"TLS.sdkappid":%d,"TLS.time":%d,"TLS.expire":%d,"TLS.sig":"%s"}`,
				tt.wantIDJSON, tt.appID, tt.now.Unix(), tt.wantExpire, sig)
			if diff := cmp.Diff(want, string(inflateSig(t, got))); diff != "" {
				t.Errorf("document mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAppendJSStringControls: identifiers with control characters are
// refused, but the JSON writer still escapes them as JSON.stringify does
// (the npm vector json-escapes checks the same against the npm package).
func TestAppendJSStringControls(t *testing.T) {
	t.Parallel()
	got := string(appendJSString(nil, "q\"b\\s/\b\f\n\r\t\x00\x1f\x7f\u0085\u2028"))
	want := `"q\"b\\s/\b\f\n\r\t\u0000\u001f` + "\x7f\u0085\u2028\""
	if got != want {
		t.Errorf("appendJSString = %q, want %q", got, want)
	}
}

func TestGenUserSigWithUserBufAtDocument(t *testing.T) {
	t.Parallel()
	for _, ub := range [][]byte{nil, {}, {0}, []byte("room-1000000040"), bytes.Repeat([]byte{0xff, 0x00, 0x7f}, 100)} {
		got, err := GenUserSigWithUserBufAt(testAppID, testKey, "xiaojun", 300*time.Second, ub, t0)
		if err != nil {
			t.Fatalf("GenUserSigWithUserBufAt(%x): %v", ub, err)
		}
		b64 := stdB64(ub)
		sig := refSig(testKey, "xiaojun", testAppID, t0.Unix(), 300, &b64)
		want := fmt.Sprintf(`{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":%d,"TLS.time":%d,"TLS.expire":300,"TLS.userbuf":"%s","TLS.sig":"%s"}`,
			testAppID, t0.Unix(), b64, sig)
		if diff := cmp.Diff(want, string(inflateSig(t, got))); diff != "" {
			t.Errorf("userbuf %x: document mismatch (-want +got):\n%s", ub, diff)
		}
		c, err := VerifyUserSig(got, testAppID, testKey, "xiaojun", t0)
		if err != nil {
			t.Fatalf("VerifyUserSig: %v", err)
		}
		wantBuf := ub
		if wantBuf == nil {
			wantBuf = []byte{}
		}
		if diff := cmp.Diff(wantBuf, c.UserBuf); diff != "" || c.UserBuf == nil {
			t.Errorf("Claims.UserBuf mismatch (-want +got):\n%s", diff)
		}
	}
}

func TestGenUserSigUsesCurrentTime(t *testing.T) {
	t.Parallel()
	before := time.Now().Unix()
	s, err := GenUserSig(testAppID, testKey, testAdmin, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	after := time.Now().Unix()
	c, err := VerifyUserSig(s, testAppID, testKey, testAdmin, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := c.IssuedAt.Unix(); got < before || got > after {
		t.Errorf("IssuedAt = %d, want in [%d, %d]", got, before, after)
	}
}

func TestGenVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		appID      uint64
		identifier string
		ttl        time.Duration
		now        time.Time
	}{
		{"one second", 1, "a", time.Second, t0},
		{"one day", testAppID, testAdmin, 24 * time.Hour, t0.Add(123456789 * time.Nanosecond)},
		{"180 days", testAppID, testAdmin, 180 * 24 * time.Hour, t0},
		{"epoch", 4294967295, "user_01-AZ", time.Hour, time.Unix(0, 0)},
		{"before epoch", 7, "old", time.Hour, time.Unix(-1000, 0)},
		{"long ttl", 7, "x", 100 * 365 * 24 * time.Hour, t0},
		{"max uint64 app", 1<<64 - 1, "管理员", time.Hour, t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := GenUserSigAt(tt.appID, testKey, tt.identifier, tt.ttl, tt.now)
			if err != nil {
				t.Fatalf("GenUserSigAt: %v", err)
			}
			want := Claims{
				Identifier: tt.identifier,
				SDKAppID:   tt.appID,
				IssuedAt:   time.Unix(tt.now.Unix(), 0).UTC(),
				TTL:        tt.ttl.Truncate(time.Second),
			}
			// Valid from issue to the last second of validity, inclusive.
			for _, at := range []time.Time{tt.now, want.ExpiresAt(), want.ExpiresAt().Add(999 * time.Millisecond), want.IssuedAt.Add(-time.Hour)} {
				got, err := VerifyUserSig(s, tt.appID, testKey, tt.identifier, at)
				if err != nil {
					t.Fatalf("VerifyUserSig at %v: %v", at, err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Claims mismatch (-want +got):\n%s", diff)
				}
			}
			_, err = VerifyUserSig(s, tt.appID, testKey, tt.identifier, want.ExpiresAt().Add(time.Second))
			if !errors.Is(err, ErrExpired) {
				t.Errorf("VerifyUserSig one second after expiry: err = %v, want ErrExpired", err)
			}
		})
	}
}

func TestClaimsExpiresAt(t *testing.T) {
	t.Parallel()
	c := Claims{IssuedAt: t0, TTL: 90 * time.Second}
	if got, want := c.ExpiresAt(), t0.Add(90*time.Second); !got.Equal(want) {
		t.Errorf("ExpiresAt() = %v, want %v", got, want)
	}
}

func TestGenUserSigInvalidArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		appID      uint64
		key        string
		identifier string
		ttl        time.Duration
		wantInErr  string
	}{
		{"zero app", 0, testKey, testAdmin, time.Hour, "sdkAppID"},
		{"empty key", testAppID, "", testAdmin, time.Hour, "key"},
		{"empty identifier", testAppID, testKey, "", time.Hour, "identifier"},
		{"identifier not UTF-8", testAppID, testKey, "adm\xffin", time.Hour, "identifier"},
		{"identifier with NUL", testAppID, testKey, "adm\x00in", time.Hour, "identifier"},
		{"identifier with a newline", testAppID, testKey, "admin\nTLS.sdkappid:1", time.Hour, "identifier"},
		{"identifier with DEL", testAppID, testKey, "admin\x7f", time.Hour, "identifier"},
		{"identifier with a C1 control", testAppID, testKey, "admin\u0085", time.Hour, "identifier"},
		{"zero ttl", testAppID, testKey, testAdmin, 0, "ttl"},
		{"negative ttl", testAppID, testKey, testAdmin, -time.Hour, "ttl"},
		{"ttl under a second", testAppID, testKey, testAdmin, 999 * time.Millisecond, "ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := GenUserSigAt(tt.appID, tt.key, tt.identifier, tt.ttl, t0)
			if err == nil {
				t.Fatalf("GenUserSigAt = %q, nil; want an error", s)
			}
			if !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %q does not name %q", err, tt.wantInErr)
			}
			checkNoSecrets(t, "error", err.Error(), testKey)
			_, err = GenUserSigWithUserBufAt(tt.appID, tt.key, tt.identifier, tt.ttl, []byte("x"), t0)
			if err == nil || !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("GenUserSigWithUserBufAt error = %v, want one naming %q", err, tt.wantInErr)
			}
		})
	}
}

func TestVerifyUserSigInvalidArguments(t *testing.T) {
	t.Parallel()
	s, err := GenUserSigAt(testAppID, testKey, testAdmin, time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		appID      uint64
		key        string
		identifier string
		wantInErr  string
	}{
		{"zero app", 0, testKey, testAdmin, "sdkAppID"},
		{"empty key", testAppID, "", testAdmin, "key"},
		{"empty identifier", testAppID, testKey, "", "identifier"},
		{"identifier with NUL", testAppID, testKey, "adm\x00in", "identifier"},
		{"identifier with a tab", testAppID, testKey, "adm\tin", "identifier"},
	}
	sentinels := []error{ErrMalformed, ErrBadSignature, ErrExpired, ErrSDKAppIDMismatch, ErrIdentifierMismatch}
	for _, tt := range tests {
		_, err := VerifyUserSig(s, tt.appID, tt.key, tt.identifier, t0)
		if err == nil || !strings.Contains(err.Error(), tt.wantInErr) {
			t.Errorf("%s: err = %v, want one naming %q", tt.name, err, tt.wantInErr)
		}
		for _, sen := range sentinels {
			if errors.Is(err, sen) {
				t.Errorf("%s: err %v matches %v; a caller error should match no sentinel", tt.name, err, sen)
			}
		}
	}
}

// docFields is a document as a generic map, for tampering.
type docFields map[string]any

func parseFields(t *testing.T, userSig string) docFields {
	t.Helper()
	var m docFields
	d := json.NewDecoder(bytes.NewReader(inflateSig(t, userSig)))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func (m docFields) pack(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return deflateSig(t, b)
}

func (m docFields) with(k string, v any) docFields {
	c := docFields{}
	for kk, vv := range m {
		c[kk] = vv
	}
	if v == nil {
		delete(c, k)
	} else {
		c[k] = v
	}
	return c
}

func TestVerifyUserSigRejects(t *testing.T) {
	t.Parallel()
	good, err := GenUserSigAt(testAppID, testKey, testAdmin, 24*time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	withBuf, err := GenUserSigWithUserBufAt(testAppID, testKey, testAdmin, 24*time.Hour, []byte("buf"), t0)
	if err != nil {
		t.Fatal(err)
	}
	f := parseFields(t, good)
	fb := parseFields(t, withBuf)

	sig := f["TLS.sig"].(string)
	flipped := "A"
	if sig[0] == 'A' {
		flipped = "B"
	}
	flipped += sig[1:]

	tests := []struct {
		name       string
		userSig    string
		appID      uint64
		key        string
		identifier string
		now        time.Time
		want       error
	}{
		{"valid", good, testAppID, testKey, testAdmin, t0, nil},
		{"wrong app", good, testAppID + 1, testKey, testAdmin, t0, ErrSDKAppIDMismatch},
		{"wrong user", good, testAppID, testKey, "someone", t0, ErrIdentifierMismatch},
		{"identifier case differs", good, testAppID, testKey, "Administrator", t0, ErrIdentifierMismatch},
		{"wrong key", good, testAppID, strings.Repeat("0", 64), testAdmin, t0, ErrBadSignature},
		{"expired", good, testAppID, testKey, testAdmin, t0.Add(24*time.Hour + time.Second), ErrExpired},
		{"last valid second", good, testAppID, testKey, testAdmin, t0.Add(24 * time.Hour), nil},
		// The documented order: expiry is checked before the HMAC.
		{"expired and checked with another key", good, testAppID, strings.Repeat("0", 64), testAdmin, t0.Add(24*time.Hour + time.Second), ErrExpired},
		{"expired and TLS.sig byte flipped", f.with("TLS.sig", flipped).pack(t), testAppID, testKey, testAdmin, t0.Add(24*time.Hour + time.Second), ErrExpired},
		{"TLS.sig byte flipped", f.with("TLS.sig", flipped).pack(t), testAppID, testKey, testAdmin, t0, ErrBadSignature},
		{"TLS.sig truncated", f.with("TLS.sig", sig[:40]).pack(t), testAppID, testKey, testAdmin, t0, ErrBadSignature},
		{"TLS.sig empty", f.with("TLS.sig", "").pack(t), testAppID, testKey, testAdmin, t0, ErrBadSignature},
		{"identifier changed, checked as the new one", f.with("TLS.identifier", "mallory").pack(t), testAppID, testKey, "mallory", t0, ErrBadSignature},
		{"identifier changed, checked as the old one", f.with("TLS.identifier", "mallory").pack(t), testAppID, testKey, testAdmin, t0, ErrIdentifierMismatch},
		{"sdkappid changed", f.with("TLS.sdkappid", json.Number("1400000001")).pack(t), 1400000001, testKey, testAdmin, t0, ErrBadSignature},
		{"time changed", f.with("TLS.time", json.Number(fmt.Sprint(t0.Unix()+3600))).pack(t), testAppID, testKey, testAdmin, t0, ErrBadSignature},
		{"expire extended", f.with("TLS.expire", json.Number("8640000")).pack(t), testAppID, testKey, testAdmin, t0, ErrBadSignature},
		{"expire extended, checked after the real expiry", f.with("TLS.expire", json.Number("8640000")).pack(t), testAppID, testKey, testAdmin, t0.Add(48 * time.Hour), ErrBadSignature},
		{"userbuf added", f.with("TLS.userbuf", "YnVm").pack(t), testAppID, testKey, testAdmin, t0, ErrBadSignature},
		{"userbuf removed", fb.with("TLS.userbuf", nil).pack(t), testAppID, testKey, testAdmin, t0, ErrBadSignature},
		{"userbuf changed", fb.with("TLS.userbuf", "YnVn").pack(t), testAppID, testKey, testAdmin, t0, ErrBadSignature},
		{"userbuf valid", withBuf, testAppID, testKey, testAdmin, t0, nil},
		{"unknown field ignored", f.with("TLS.extra", "x").pack(t), testAppID, testKey, testAdmin, t0, nil},
		{"re-encoded document accepted", f.pack(t), testAppID, testKey, testAdmin, t0, nil},
		{"indented document accepted", deflateSig(t, indent(t, f)), testAppID, testKey, testAdmin, t0, nil},
		{"padding cut", strings.TrimRight(good, "_"), testAppID, testKey, testAdmin, t0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := VerifyUserSig(tt.userSig, tt.appID, tt.key, tt.identifier, tt.now)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("VerifyUserSig: err = %v, want %v", err, tt.want)
			}
			if err != nil {
				checkNoSecrets(t, "error", err.Error(), tt.key, testKey, tt.userSig, sig)
				if diff := cmp.Diff(Claims{}, c); diff != "" {
					t.Errorf("Claims on error not zero (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestVerifyUserSigErrorDetail(t *testing.T) {
	t.Parallel()
	s, err := GenUserSigAt(testAppID, testKey, testAdmin, time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		appID      uint64
		identifier string
		now        time.Time
		want       string
	}{
		{testAppID, testAdmin, t0.Add(2 * time.Hour), "auth: UserSig expired: expired at 2026-01-01T01:00:00Z, now 2026-01-01T02:00:00Z"},
		{7, testAdmin, t0, "auth: UserSig SDKAppID mismatch: issued for SDKAppID 1400000000, want 7"},
		{testAppID, "bob", t0, `auth: UserSig identifier mismatch: issued for "administrator", want "bob"`},
	}
	for _, tt := range tests {
		_, err := VerifyUserSig(s, tt.appID, testKey, tt.identifier, tt.now)
		if err == nil {
			t.Fatalf("VerifyUserSig(%d, %q, %v) = nil error", tt.appID, tt.identifier, tt.now)
		}
		if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
			t.Errorf("error text mismatch (-want +got):\n%s", diff)
		}
	}
}

func TestVerifyUserSigMalformed(t *testing.T) {
	t.Parallel()
	good, err := GenUserSigAt(testAppID, testKey, testAdmin, 24*time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	f := parseFields(t, good)
	sig := f["TLS.sig"].(string)
	valid := string(inflateSig(t, good))

	docs := map[string]string{
		"not JSON":             `TLS.ver=2.0`,
		"JSON array":           `[1,2,3]`,
		"JSON string":          `"TLS.sig"`,
		"empty object":         `{}`,
		"truncated JSON":       valid[:len(valid)-1],
		"trailing data":        valid + `{}`,
		"trailing garbage":     valid + `x`,
		"sdkappid as string":   strings.Replace(valid, `"TLS.sdkappid":1400000000`, `"TLS.sdkappid":"1400000000"`, 1),
		"sdkappid negative":    strings.Replace(valid, `"TLS.sdkappid":1400000000`, `"TLS.sdkappid":-1`, 1),
		"sdkappid float":       strings.Replace(valid, `"TLS.sdkappid":1400000000`, `"TLS.sdkappid":1.4e9`, 1),
		"sdkappid too big":     strings.Replace(valid, `"TLS.sdkappid":1400000000`, `"TLS.sdkappid":18446744073709551616`, 1),
		"time as string":       strings.Replace(valid, `"TLS.time":1767225600`, `"TLS.time":"1767225600"`, 1),
		"time fraction":        strings.Replace(valid, `"TLS.time":1767225600`, `"TLS.time":1767225600.5`, 1),
		"expire negative":      strings.Replace(valid, `"TLS.expire":86400`, `"TLS.expire":-1`, 1),
		"expire too big":       strings.Replace(valid, `"TLS.expire":86400`, `"TLS.expire":9223372037`, 1),
		"expire null":          strings.Replace(valid, `"TLS.expire":86400`, `"TLS.expire":null`, 1),
		"time+expire overflow": strings.Replace(valid, `"TLS.time":1767225600`, `"TLS.time":9223372036854775807`, 1),
		"ver 1.0":              strings.Replace(valid, `"TLS.ver":"2.0"`, `"TLS.ver":"1.0"`, 1),
		"ver number":           strings.Replace(valid, `"TLS.ver":"2.0"`, `"TLS.ver":2.0`, 1),
		"identifier number":    strings.Replace(valid, `"TLS.identifier":"administrator"`, `"TLS.identifier":7`, 1),
		"identifier duplicate": strings.Replace(valid, `"TLS.identifier":"administrator"`, `"TLS.identifier":"x","TLS.identifier":"administrator"`, 1),
		"field name case":      strings.Replace(valid, `"TLS.sig"`, `"tls.sig"`, 1),
		"sig not base64":       strings.Replace(valid, sig, "!!"+sig[2:], 1),
		"sig not canonical":    strings.Replace(valid, sig, sig[:42]+"B=", 1),
		"sig array":            strings.Replace(valid, `"`+sig+`"`, `["`+sig+`"]`, 1),
		"userbuf not base64":   strings.Replace(valid, `"TLS.sig"`, `"TLS.userbuf":"!!","TLS.sig"`, 1),
		"userbuf number":       strings.Replace(valid, `"TLS.sig"`, `"TLS.userbuf":1,"TLS.sig"`, 1),
		"too large":            `{"TLS.pad":"` + strings.Repeat(" ", 70<<10) + `",` + valid[1:],
	}
	for _, name := range []string{"TLS.ver", "TLS.identifier", "TLS.sdkappid", "TLS.time", "TLS.expire", "TLS.sig"} {
		docs["missing "+name] = string(mustJSON(t, f.with(name, nil)))
	}

	tests := map[string]string{
		"empty":                  "",
		"not base64":             "this is not a UserSig!",
		"standard base64 chars":  strings.ReplaceAll(strings.ReplaceAll(good, "*", "+"), "-", "/") + "+/",
		"not zlib":               packRaw([]byte(valid)),
		"zlib header only":       packRaw([]byte{0x78, 0x9c}),
		"corrupt zlib":           packRaw(append([]byte{0x78, 0x9c}, bytes.Repeat([]byte{0xff}, 40)...)),
		"truncated zlib":         packRaw(mustDecodeSig(t, good)[:40]),
		"bad checksum":           packRaw(flipLast(mustDecodeSig(t, good))),
		"too long":               strings.Repeat("A", maxUserSigLen+4),
		"zip bomb":               deflateSig(t, bytes.Repeat([]byte("{"), 1<<20)),
		"truncated base64":       good[:len(good)-5],
		"whitespace inside":      good[:10] + " " + good[10:],
		"sig with trailing junk": good + "AAAA",
		"data after zlib stream": packRaw(append(mustDecodeSig(t, good), 0, 0, 0)),
	}
	for name, doc := range docs {
		tests["document "+name] = deflateSig(t, []byte(doc))
	}
	for name, userSig := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := VerifyUserSig(userSig, testAppID, testKey, testAdmin, t0)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("VerifyUserSig: err = %v, want ErrMalformed", err)
			}
			if diff := cmp.Diff(Claims{}, c); diff != "" {
				t.Errorf("Claims on error not zero (-want +got):\n%s", diff)
			}
			msg := err.Error()
			checkNoSecrets(t, "error", msg, testKey, sig)
			if len(userSig) >= 16 {
				checkNoSecrets(t, "error", msg, userSig[:16])
			}
			if len(msg) > 200 {
				t.Errorf("error message is %d bytes long: %.200q", len(msg), msg)
			}
		})
	}
}

func indent(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, " ", "\t ")
	if err != nil {
		t.Fatal(err)
	}
	return append(append([]byte("\n "), b...), "\r\n"...)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustDecodeSig(t *testing.T, userSig string) []byte {
	t.Helper()
	b, err := sigEncoding.DecodeString(userSig)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func flipLast(b []byte) []byte {
	c := bytes.Clone(b)
	c[len(c)-1] ^= 1
	return c
}

func stdB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// TestGenUserSigTooLarge: GenUserSig refuses what VerifyUserSig could not
// read back (a document over 64 KiB), instead of making a UserSig that
// no verifier accepts.
func TestGenUserSigTooLarge(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	for _, tc := range []struct {
		name string
		id   string
		buf  []byte
	}{
		{"identifier", strings.Repeat("a", 70<<10), nil},
		{"user buffer", "alice", bytes.Repeat([]byte{1}, 50<<10)}, // 68 KiB in base64
	} {
		var err error
		if tc.buf == nil {
			_, err = GenUserSigAt(1400000000, "0123456789abcdef0123", tc.id, time.Hour, now)
		} else {
			_, err = GenUserSigWithUserBufAt(1400000000, "0123456789abcdef0123", tc.id, time.Hour, tc.buf, now)
		}
		if err == nil || !strings.Contains(err.Error(), "too long") {
			t.Errorf("%s: err = %v, want a refusal", tc.name, err)
		}
	}
	// The largest that fits still round-trips.
	id := strings.Repeat("a", 60<<10)
	sig, err := GenUserSigAt(1400000000, "0123456789abcdef0123", id, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyUserSig(sig, 1400000000, "0123456789abcdef0123", id, now); err != nil {
		t.Errorf("a 60 KiB identifier: %v", err)
	}
}

package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzMaxUserSig bounds the UserSigs FuzzVerifyUserSig feeds
// VerifyUserSig. Real ones are 170 to 250 bytes (all the npm vectors but
// one with 256 bytes of userbuf), and every check of VerifyUserSig is
// reached by short inputs: a zip bomb is 168 bytes, and the cap of
// maxUserSigLen has its own unit test. Longer inputs only reach more of
// the base64 and zlib decoders' loops; the fuzzer finds those
// "interesting" and then spends its budget minimising them, in a pass
// that is quadratic in the input's length (about 500,000 runs for 1 KiB,
// 50,000 for 320 bytes).
const fuzzMaxUserSig = 320

// FuzzVerifyUserSig feeds VerifyUserSig garbage and near-valid UserSigs.
// It must never panic; it either fails with one of the sentinels (without
// the key in the message) or returns claims that hold for the arguments.
func FuzzVerifyUserSig(f *testing.F) {
	good, err := GenUserSigAt(testAppID, testKey, testAdmin, 24*time.Hour, t0)
	if err != nil {
		f.Fatal(err)
	}
	withBuf, err := GenUserSigWithUserBufAt(testAppID, testKey, testAdmin, time.Hour, []byte{1, 2, 3}, t0)
	if err != nil {
		f.Fatal(err)
	}
	valid := string(inflateSig(f, good))
	seeds := []string{
		good, withBuf, "", "_", "____", "eJw", "eJw_", good[:len(good)/2], good + "AAAA",
		strings.TrimRight(good, "_"), strings.ToUpper(good),
		packRaw([]byte{0x78, 0x9c}), packRaw([]byte{0x78, 0x9c, 0x03, 0x00}),
		deflateSig(f, []byte(valid)),
		deflateSig(f, []byte(`{}`)),
		deflateSig(f, []byte(`[]`)),
		deflateSig(f, []byte(`{"TLS.ver":"2.0","TLS.ver":"2.0"}`)),
		deflateSig(f, []byte(strings.Replace(valid, `"TLS.expire":86400`, `"TLS.expire":1e400`, 1))),
		deflateSig(f, []byte(strings.Replace(valid, `"TLS.time":1767225600`, `"TLS.time":-9223372036854775808`, 1))),
		deflateSig(f, []byte(strings.Replace(valid, `"TLS.sdkappid":1400000000`, `"TLS.sdkappid":{"a":[[[[]]]]}`, 1))),
		deflateSig(f, bytes.Repeat([]byte("["), 100000)),
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "npm_vectors.json")); err == nil {
		var nf npmFile
		if json.Unmarshal(b, &nf) == nil {
			for _, v := range nf.Vectors {
				seeds = append(seeds, v.UserSig)
			}
		}
	}
	for _, s := range seeds {
		f.Add(s, t0.Unix())
	}
	f.Add(good, t0.Unix()+86401)
	f.Add(good, int64(-1<<63))
	f.Add(good, int64(1<<63-1))

	sentinels := []error{ErrMalformed, ErrBadSignature, ErrExpired, ErrSDKAppIDMismatch, ErrIdentifierMismatch}
	f.Fuzz(func(t *testing.T, userSig string, nowUnix int64) {
		if len(userSig) > fuzzMaxUserSig {
			return
		}
		now := time.Unix(nowUnix, 0)
		c, err := VerifyUserSig(userSig, testAppID, testKey, testAdmin, now)
		if err != nil {
			matched := false
			for _, s := range sentinels {
				matched = matched || errors.Is(err, s)
			}
			if !matched {
				t.Fatalf("error %v matches no sentinel", err)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Fatalf("error contains the key: %v", err)
			}
			if len(err.Error()) > 300 {
				t.Fatalf("error message is %d bytes long", len(err.Error()))
			}
			return
		}
		if c.SDKAppID != testAppID || c.Identifier != testAdmin {
			t.Fatalf("claims %+v for other arguments", c)
		}
		if nowUnix > c.ExpiresAt().Unix() {
			t.Fatalf("accepted at %d a UserSig that expired at %v", nowUnix, c.ExpiresAt())
		}
		// Whatever was accepted, package auth can make again.
		if c.TTL == 0 {
			return // a TTL of 0 is valid to verify but not to generate
		}
		var again string
		if c.UserBuf != nil {
			again, err = GenUserSigWithUserBufAt(testAppID, testKey, testAdmin, c.TTL, c.UserBuf, c.IssuedAt)
		} else {
			again, err = GenUserSigAt(testAppID, testKey, testAdmin, c.TTL, c.IssuedAt)
		}
		if err != nil {
			t.Fatalf("cannot regenerate accepted claims %+v: %v", c, err)
		}
		if _, err := VerifyUserSig(again, testAppID, testKey, testAdmin, c.IssuedAt); err != nil {
			t.Fatalf("regenerated UserSig does not verify: %v", err)
		}
	})
}

// Bounds on the strings FuzzGenUserSig feeds GenUserSigAt. A UserID is at
// most 32 bytes and every escaping case of appendJSString needs one
// character, so 128 bytes reach every path of the code under test; longer
// strings only reach more of compress/flate and encoding/json. Without a
// bound the fuzzer finds such length-dependent library paths "interesting"
// and then spends its budget minimising them: the minimiser's last pass is
// quadratic in the input's length, about 500,000 runs for a 1 KiB
// identifier. The key is bounded past HMAC-SHA256's 64-byte block, so
// that keys the HMAC hashes first are still covered.
const (
	fuzzMaxIdentifier = 128
	fuzzMaxKey        = 128
)

// FuzzGenUserSig checks that anything GenUserSigAt accepts comes back
// from VerifyUserSig unchanged: in particular that the hand-written JSON
// string encoding round-trips every valid UTF-8 identifier.
func FuzzGenUserSig(f *testing.F) {
	f.Add(uint64(testAppID), testKey, testAdmin, int64(86400), t0.Unix())
	f.Add(uint64(1), "k", "a\"\\\x00\x1f\x7f\u2028<>&", int64(1), int64(0))
	f.Add(uint64(1<<64-1), "ключ", "管理员\U0001F600", int64(1<<33), int64(-1))
	f.Add(uint64(0), "", "\xff", int64(0), int64(1<<62))
	f.Fuzz(func(t *testing.T, appID uint64, key, identifier string, ttlSecs, nowUnix int64) {
		if len(identifier) > fuzzMaxIdentifier || len(key) > fuzzMaxKey {
			return
		}
		ttl := time.Duration(ttlSecs) * time.Second
		if ttlSecs > maxExpire || ttlSecs < -maxExpire {
			return // the product overflows time.Duration
		}
		s, err := GenUserSigAt(appID, key, identifier, ttl, time.Unix(nowUnix, 0))
		if err != nil {
			if validateArgs(appID, key, identifier) == nil && ttlSecs > 0 && nowUnix <= 1<<63-1-ttlSecs {
				t.Fatalf("GenUserSigAt rejected valid arguments: %v", err)
			}
			return
		}
		c, err := VerifyUserSig(s, appID, key, identifier, time.Unix(nowUnix, 0))
		if err != nil {
			t.Fatalf("VerifyUserSig of a fresh UserSig: %v", err)
		}
		if c.Identifier != identifier || c.SDKAppID != appID || c.IssuedAt.Unix() != nowUnix || c.TTL != ttl {
			t.Fatalf("claims %+v do not match the arguments", c)
		}
		var doc map[string]any
		if err := json.Unmarshal(inflateSig(t, s), &doc); err != nil {
			t.Fatalf("document is not JSON: %v", err)
		}
		if doc["TLS.identifier"] != identifier {
			t.Fatalf("encoding/json reads TLS.identifier as %q, want %q", doc["TLS.identifier"], identifier)
		}
	})
}

package auth

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Fake credentials used throughout the tests. None is a real key.
const (
	testAppID = 1400000000
	testKey   = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
	testAdmin = "administrator"
)

// t0 is a fixed signing time: 2026-01-01T00:00:00Z.
var t0 = time.Unix(1767225600, 0).UTC()

// The helpers below decode and encode UserSigs with their own code, not
// the package's, so that the tests check the format rather than restate
// the implementation.

var (
	toStd   = strings.NewReplacer("*", "+", "-", "/", "_", "=")
	fromStd = strings.NewReplacer("+", "*", "/", "-", "=", "_")
)

// inflateSig returns the JSON document inside a UserSig.
func inflateSig(t testing.TB, userSig string) []byte {
	t.Helper()
	z, err := base64.StdEncoding.DecodeString(toStd.Replace(userSig))
	if err != nil {
		t.Fatalf("UserSig is not base64: %v", err)
	}
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatalf("UserSig is not zlib: %v", err)
	}
	doc, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("UserSig is not zlib: %v", err)
	}
	return doc
}

// deflateSig packs a JSON document (or anything) as a UserSig.
func deflateSig(t testing.TB, doc []byte) string {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(doc)
	w.Close()
	return fromStd.Replace(base64.StdEncoding.EncodeToString(b.Bytes()))
}

// packRaw turns arbitrary bytes into a UserSig without compressing them.
func packRaw(b []byte) string {
	return fromStd.Replace(base64.StdEncoding.EncodeToString(b))
}

// refSig is the TLS.sig of the reference algorithm, written independently
// of the package: base64(HMAC-SHA256(key, content)).
func refSig(key, identifier string, appID uint64, t, expire int64, userBuf *string) string {
	content := fmt.Sprintf("TLS.identifier:%s\nTLS.sdkappid:%d\nTLS.time:%d\nTLS.expire:%d\n", identifier, appID, t, expire)
	if userBuf != nil {
		content += "TLS.userbuf:" + *userBuf + "\n"
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(content))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// fakeClock is a clock for Signer tests, safe for concurrent use.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) Set(t time.Time)         { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// checkNoSecrets fails when s contains one of the secrets.
func checkNoSecrets(t testing.TB, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s contains a secret (%.12q...): %q", what, sec, s)
		}
	}
}

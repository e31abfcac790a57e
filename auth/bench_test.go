package auth

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func BenchmarkGenUserSig(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GenUserSigAt(testAppID, testKey, testAdmin, 24*time.Hour, t0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyUserSig(b *testing.B) {
	s, err := GenUserSigAt(testAppID, testKey, testAdmin, 24*time.Hour, t0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyUserSig(s, testAppID, testKey, testAdmin, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignerUserSig measures the cached read path under contention,
// with the real clock.
func BenchmarkSignerUserSig(b *testing.B) {
	s, err := NewSigner(testAppID, testKey, testAdmin)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.UserSig(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSignerEdit measures signing one request (query re-encoding
// included), in parallel as a busy client would.
func BenchmarkSignerEdit(b *testing.B) {
	s, err := NewSigner(testAppID, testKey, testAdmin)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		u, _ := url.Parse("https://adminapisgp.im.qcloud.com/v4/im_open_login_svc/account_import")
		req := &http.Request{Method: http.MethodPost, URL: u}
		for pb.Next() {
			u.RawQuery = ""
			if err := s.Edit(ctx, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

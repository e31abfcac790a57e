package redislimit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/timrest/timrest/redislimit"
)

// TestNewFromURLRefuses: URLs that are not redis://, rediss:// or
// unix://, a database number that is not a whole number, or options that
// go-redis cannot use, are refused with a *URLError that repeats no part
// of the URL: not its password, user name or path.
func TestNewFromURLRefuses(t *testing.T) {
	t.Parallel()
	const pw = "s3cret-Pa55word"
	for _, u := range []string{
		"http://:" + pw + "@127.0.0.1:6379/0",
		"ftp://:" + pw + "@127.0.0.1/0",
		"unix://:" + pw + "@host/tmp/redis.sock", // a host: not a socket's URL
		"unix://:" + pw + "@",                    // no path
		"127.0.0.1:6379",
		"redis:" + pw,
		"redis://:" + pw + "@127.0.0.1:notaport/0",   // url.Parse's error repeats the URL
		"redis://:" + pw + "@127.0.0.1:99999/0",      // port out of range
		"redis://:" + pw + "@127.0.0.1:6379/db" + pw, // go-redis's error repeats the path
		"redis://:" + pw + "@127.0.0.1:6379/0/1",
		"redis://127.0.0.1:6379/" + pw,             // the path is echoed by go-redis, password or not
		"redis://" + pw + "@127.0.0.1:6379/x" + pw, // a user name alone is a secret too
		"redis://127.0.0.1:6379/-1",                // go-redis takes -1 for database 0
		"redis://127.0.0.1:6379/+1",
		"redis://127.0.0.1:6379/1234567890",
		"redis://127.0.0.1:6379/0?db=" + pw,
		"redis://127.0.0.1:6379/1?db=1",
		"redis://127.0.0.1:6379?db=-1",
		"unix:///tmp/redis.sock?db=" + pw,
		"redis://127.0.0.1:6379/0?pool_size=" + pw,
		"redis://:" + pw + "@127.0.0.1:6379/0?dial_timeout=" + pw,
		"redis://:" + pw + "@127.0.0.1:6379/0?" + pw + "=1",
		"redis://:" + pw + "@127.0.0.1:6379/0?strict=maybe",
		"redis://:" + pw + "@127.0.0.1:6379/0?fallback=0",
		"redis://:" + pw + "@127.0.0.1:6379/0?fallback=1.5",
		"redis://:" + pw + "@127.0.0.1:6379/0?share=x",
		"redis://:" + strings.ReplaceAll(pw, "-", "%2D") + "@127.0.0.1:6379/0?bogus=1",
		"redis://:" + pw + "%zz@127.0.0.1:6379/0",
		"",
	} {
		l, err := redislimit.NewFromURL(u, 1400000000)
		if err == nil {
			l.Close()
			t.Errorf("NewFromURL(%q): want an error", u)
			continue
		}
		var ue *redislimit.URLError
		if !errors.As(err, &ue) {
			t.Errorf("NewFromURL(%q): %v, want a *URLError", u, err)
		}
		if (strings.HasPrefix(u, "http:") || strings.HasPrefix(u, "ftp:")) && !strings.Contains(err.Error(), "want a redis://, rediss:// or unix:// URL") {
			t.Errorf("NewFromURL(%q): %v, want it to say the schemes it takes", u, err)
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "%2D") || strings.Contains(err.Error(), "s3cret") || (u != "" && strings.Contains(err.Error(), u)) {
			t.Errorf("NewFromURL(%q): the error repeats the URL or its password: %v", u, err)
		}
	}
}

// TestNewFromURLOptions: this package's query parameters, go-redis's, and
// the database and TLS of the URL are used.
func TestNewFromURLOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	// A database of the URL: the key lands there.
	app := newApp()
	l, err := redislimit.NewFromURL("redis://"+shared.Addr+"/2?share=0.5&fallback=0.1&dial_timeout=1s", app, redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if r, _ := l.Rate("ListGroupIDs"); r != 0.5 {
		t.Errorf("share=0.5: Rate(ListGroupIDs) = %v, want 0.5", r)
	}
	if err := l.Wait(ctx, "ListGroupIDs"); err != nil {
		t.Fatal(err)
	}
	db2 := redis.NewClient(&redis.Options{Addr: shared.Addr, DB: 2})
	defer db2.Close()
	key := redislimit.Key(app, "ListGroupIDs")
	if n, err := db2.Exists(ctx, key).Result(); err != nil || n != 1 {
		t.Errorf("EXISTS %s in database 2: %v, %v; want 1", key, n, err)
	}
	if n, err := client(t, shared.Addr).Exists(ctx, key).Result(); err != nil || n != 0 {
		t.Errorf("EXISTS %s in database 0: %v, %v; want 0", key, n, err)
	}

	// An option given to NewFromURL overrides the URL's.
	o, err := redislimit.NewFromURL("redis://"+shared.Addr+"/0?share=0.5", app, redislimit.WithShare(1), redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if r, _ := o.Rate("ListGroupIDs"); r != 1 {
		t.Errorf("share=0.5 and WithShare(1): Rate = %v, want 1", r)
	}

	// strict=true, on a port where nothing listens: Wait fails fast.
	s, err := redislimit.NewFromURL("redis://127.0.0.1:1/0?strict=true", app, redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	var ue *redislimit.UnavailableError
	if err := s.Wait(ctx, "GetFriends"); !errors.As(err, &ue) {
		t.Errorf("strict=true, no Redis: %v, want an *UnavailableError", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("strict=true, no Redis: Wait took %v", took)
	}

	// rediss:// speaks TLS: a plain Redis does not answer it.
	tl, err := redislimit.NewFromURL("rediss://"+shared.Addr+"/0?strict=1", app, redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Close()
	if err := tl.Wait(ctx, "GetFriends"); err == nil {
		t.Error("rediss:// to a plain Redis: want an error (TLS)")
	}
}

// TestNewFromURLKnownOption: a bad value of a go-redis option names the
// option (a fixed name), not the value.
func TestNewFromURLKnownOption(t *testing.T) {
	t.Parallel()
	_, err := redislimit.NewFromURL("redis://127.0.0.1:6379/0?dial_timeout=x"+"SECRETISH", 1400000000)
	if err == nil || !strings.Contains(err.Error(), "dial_timeout") || strings.Contains(err.Error(), "SECRETISH") {
		t.Errorf("dial_timeout=xSECRETISH: %v, want an error naming dial_timeout and not its value", err)
	}
	_, err = redislimit.NewFromURL("redis://127.0.0.1:6379/0?SECRETISH=1", 1400000000)
	if err == nil || strings.Contains(err.Error(), "SECRETISH") {
		t.Errorf("an unknown option: %v, want an error that does not name it", err)
	}
}

// TestNewFromURLUnix: a unix:// URL reaches Redis on its socket, in the
// database of its db parameter.
func TestNewFromURLUnix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := newApp()
	l, err := redislimit.NewFromURL("unix://"+shared.Socket+"?db=1&strict=true", app, redislimit.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Check(ctx); err != nil {
		t.Fatalf("Check over the Unix socket: %v", err)
	}
	if err := l.Wait(ctx, "GetFriends"); err != nil {
		t.Fatalf("Wait over the Unix socket: %v", err)
	}
	db1 := redis.NewClient(&redis.Options{Addr: shared.Addr, DB: 1})
	defer db1.Close()
	if n, err := db1.Exists(ctx, redislimit.Key(app, "GetFriends")).Result(); err != nil || n != 1 {
		t.Errorf("EXISTS in database 1: %v, %v; want 1", n, err)
	}
}

package emulator_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
)

// brokenWriter is a ResponseWriter whose connection is gone: every Write
// fails. It counts the WriteHeader calls.
type brokenWriter struct {
	header       http.Header
	writeHeaders []int
}

func (w *brokenWriter) Header() http.Header { return w.header }

func (w *brokenWriter) WriteHeader(status int) { w.writeHeaders = append(w.writeHeaders, status) }

func (w *brokenWriter) Write([]byte) (int, error) {
	if len(w.writeHeaders) == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return 0, errors.New("write tcp: broken pipe")
}

// importBody returns a friend_import body from "from" to each of tos.
func importBody(from string, tos []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"From_Account":%q,"AddFriendItem":[`, from)
	for i, to := range tos {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"To_Account":%q,"AddSource":"AddSource_Type_Test"}`, to)
	}
	b.WriteString("]}")
	return b.String()
}

// TestUndeliveredAnswerKeepsTheOutcome: when writing a friend_import's
// answer fails (the client cancelled the call or closed the connection),
// the import has been applied. The emulator used to answer the write
// error a second time, with a transient 30006 (a superfluous
// WriteHeader), and to count and log the call as 30006.
func TestUndeliveredAnswerKeepsTheOutcome(t *testing.T) {
	cfg, _ := testConfig(t)
	logs := &emulatortest.LogBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.AddAccounts("importer"); err != nil {
		t.Fatal(err)
	}
	q := newCaller(t, "", cfg).query()
	req := httptest.NewRequest(http.MethodPost, pathFriendImpt+"?"+q.Encode(), strings.NewReader(importBody("importer", []string{"bob", "carol"})))
	w := &brokenWriter{header: http.Header{}}
	emu.ServeHTTP(w, req)

	if len(w.writeHeaders) != 1 {
		t.Errorf("WriteHeader called with %v, want one answer", w.writeHeaders)
	}
	if got := emu.Friends("importer"); len(got) != 2 {
		t.Fatalf("importer has %d friends, want the 2 imported", len(got))
	}
	st := emu.Stats()
	if codes := st.Codes["ImportFriends"]; len(codes) != 1 || codes[0] != 1 {
		t.Errorf("ImportFriends codes %v, want the one call counted as 0 (applied)", codes)
	}
	if n := st.Undelivered["ImportFriends"]; n != 1 {
		t.Errorf("Undelivered[ImportFriends] = %d, want 1", n)
	}
	if l := logs.String(); !strings.Contains(l, "op=ImportFriends identifier=administrator code=0 undelivered=true duration=") {
		t.Errorf("log %q, want the call with code 0, marked undelivered", l)
	}
}

// TestCancelledImportOverHTTP is the same over a real connection: the
// client cancels a 1000-item friend_import while the emulator holds it;
// the emulator applies it, cannot deliver the 100 KB answer, and records
// the call as applied, without a superfluous WriteHeader in the server's
// log.
func TestCancelledImportOverHTTP(t *testing.T) {
	cfg, _ := testConfig(t)
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tos := make([]string, 1000)
	for i := range tos {
		tos[i] = fmt.Sprintf("friend%04d", i)
	}
	if err := emu.AddAccounts(append(tos, "importer")...); err != nil {
		t.Fatal(err)
	}
	entered := make(chan struct{})
	var once sync.Once
	emu.SetImportHookContext(func(ctx context.Context, _ string) {
		once.Do(func() { close(entered) })
		select { // the server cancels ctx once it sees the client gone
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
			t.Error("the call's context was not cancelled after the client went away")
		}
	})
	serverLog := &emulatortest.LogBuffer{}
	srv := httptest.NewUnstartedServer(emu)
	srv.Config.ErrorLog = log.New(serverLog, "", 0)
	srv.Start()

	ctx, cancel := context.WithCancel(context.Background())
	q := newCaller(t, srv.URL, cfg).query()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+pathFriendImpt+"?"+q.Encode(), bytes.NewReader([]byte(importBody("importer", tos))))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled call returned %v", err)
	}
	srv.Close() // waits for the call to end

	if n := len(emu.Friends("importer")); n != 1000 {
		t.Errorf("importer has %d friends, want the 1000 imported", n)
	}
	st := emu.Stats()
	if codes := st.Codes["ImportFriends"]; len(codes) != 1 || codes[0] != 1 {
		t.Errorf("ImportFriends codes %v, want the one call counted as 0 (applied)", codes)
	}
	if l := serverLog.String(); strings.Contains(l, "superfluous") {
		t.Errorf("server log: %s", l)
	}
}

package emulatortest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
)

// recorder collects what the transport reports.
type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) report(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// TestValidatingTransportCatchesDrift serves canned answers and sends
// canned requests, and checks which ones the transport reports.
func TestValidatingTransportCatchesDrift(t *testing.T) {
	var answer struct {
		mu     sync.Mutex
		status int
		body   string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		answer.mu.Lock()
		defer answer.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(answer.status)
		io.WriteString(w, answer.body)
	}))
	defer srv.Close()
	const goodQuery = "?sdkappid=1400000001&identifier=administrator&usersig=abc&random=1&contenttype=json"
	for _, tt := range []struct {
		name, query, body string
		status            int
		answer            string
		requests          bool
		wantReport        string
	}{
		{"good", goodQuery, `{"From_Account":"alice"}`, 200, `{"ActionStatus":"OK","ErrorCode":0,"ResultItem":[]}`, true, ""},
		{"answer without ErrorCode", goodQuery, `{"From_Account":"alice"}`, 200, `{"ActionStatus":"OK"}`, true, "answer to POST"},
		{"answer with a bad ActionStatus", goodQuery, `{"From_Account":"alice"}`, 200, `{"ActionStatus":"MAYBE","ErrorCode":0}`, true, "answer to POST"},
		{"request with an unknown field", goodQuery, `{"From_Account":"alice","Type":1}`, 200, `{"ActionStatus":"OK","ErrorCode":0}`, true, "request POST"},
		{"request without random", strings.Replace(goodQuery, "&random=1", "", 1), `{"From_Account":"alice"}`, 200, `{"ActionStatus":"OK","ErrorCode":0}`, true, "request POST"},
		{"bad request, answers only", goodQuery, `{"From_Account":"alice","Type":1}`, 200, `{"ActionStatus":"FAIL","ErrorCode":30001}`, false, ""},
		{"502 is outside the contract", goodQuery, `{"From_Account":"alice"}`, 502, `<html>502</html>`, true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			answer.mu.Lock()
			answer.status, answer.body = tt.status, tt.answer
			answer.mu.Unlock()
			rec := &recorder{}
			client := &http.Client{Transport: newTransport(t, rec.report, nil, tt.requests)}
			resp, err := client.Post(srv.URL+"/v4/sns/group_get"+tt.query, "application/json", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(got) != tt.answer {
				t.Errorf("the answer body reached the caller as %q", got)
			}
			switch {
			case tt.wantReport == "" && len(rec.msgs) > 0:
				t.Errorf("reported %q", rec.msgs)
			case tt.wantReport != "" && (len(rec.msgs) == 0 || !strings.HasPrefix(rec.msgs[0], tt.wantReport)):
				t.Errorf("reported %q, want %q...", rec.msgs, tt.wantReport)
			}
			for _, m := range rec.msgs {
				if strings.Contains(m, "usersig=") {
					t.Errorf("report shows the query: %s", m)
				}
			}
		})
	}
}

// sigParam matches a usersig query parameter and its value.
var sigParam = regexp.MustCompile(`(?i)usersig=([^&"\s]*)`)

// TestNewClientErrorsHideTheQuery makes NewClient's client fail (a
// cancelled context, a closed server) and checks that the error, which
// tests print with t.Fatal, shows neither the UserSig (a usersig
// parameter only with its value redacted) nor the key, keeps the path,
// and still matches its cause.
func TestNewClientErrorsHideTheQuery(t *testing.T) {
	cfg := emulator.Config{SDKAppID: 1400000001, Key: NewKey(t)}
	baseURL, _ := Start(t, cfg)
	client := NewClient(t, baseURL, cfg)
	sig, err := NewSigner(t, cfg, Admin(cfg)).UserSig()
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		msg := err.Error()
		// A usersig parameter may remain, but only with its value
		// redacted. The report masks what it finds, so a failure prints
		// no secret.
		leak := strings.Contains(msg, sig) || strings.Contains(msg, url.QueryEscape(sig)) || strings.Contains(msg, cfg.Key)
		for _, m := range sigParam.FindAllStringSubmatch(msg, -1) {
			leak = leak || !strings.Contains(m[1], "REDACTED")
		}
		if leak {
			masked := strings.NewReplacer(url.QueryEscape(sig), "<UserSig>", sig, "<UserSig>", cfg.Key, "<key>").Replace(msg)
			t.Errorf("%s: the error shows a UserSig or the key: %s", what, sigParam.ReplaceAllString(masked, "usersig=<value>"))
		}
		if !strings.Contains(msg, "/v4/group_open_http_svc/get_appid_group_list") {
			t.Errorf("%s: the error lost the path: %s", what, msg)
		}
		var ue *url.Error
		if !errors.As(err, &ue) {
			t.Errorf("%s: the error is no longer a *url.Error: %#v", what, err)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = client.ListGroupIDsWithResponse(ctx, gen.ListGroupIDsRequest{})
	check("cancelled context", err)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the error %v does not match context.Canceled", err)
	}

	dead := NewClient(t, "http://127.0.0.1:1", cfg) // nothing listens on port 1
	_, err = dead.ListGroupIDsWithResponse(context.Background(), gen.ListGroupIDsRequest{})
	check("connection refused", err)
}

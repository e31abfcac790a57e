package conformance

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// opCase ties an operationId to its generated types.
type opCase struct {
	newRequest func() any
	parse      func(*http.Response) (any, error) // the generated client's parser; returns JSON200
}

// ops must name every operation of the document (TestEveryOperationHasCase).
var ops = map[string]opCase{
	"GetFriendLists": {
		newRequest: func() any { return new(gen.GetFriendListsRequest) },
		parse: func(r *http.Response) (any, error) {
			p, err := gen.ParseGetFriendListsHTTPResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		},
	},
	"GetFriends": {
		newRequest: func() any { return new(gen.GetFriendsRequest) },
		parse: func(r *http.Response) (any, error) {
			p, err := gen.ParseGetFriendsHTTPResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		},
	},
	"ListGroupIDs": {
		newRequest: func() any { return new(gen.ListGroupIDsRequest) },
		parse: func(r *http.Response) (any, error) {
			p, err := gen.ParseListGroupIDsHTTPResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		},
	},
	"ImportFriends": {
		newRequest: func() any { return new(gen.ImportFriendsRequest) },
		parse: func(r *http.Response) (any, error) {
			p, err := gen.ParseImportFriendsHTTPResponse(r)
			if err != nil {
				return nil, err
			}
			return p.JSON200, nil
		},
	},
}

func load(t *testing.T) (*contract.Contract, *contract.Validator) {
	t.Helper()
	c, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	return c, v
}

// newRequest builds a POST to the operation's path on a loopback base URL
// with valid common query parameters.
func newRequest(t *testing.T, path string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost,
		"http://127.0.0.1:1/"+strings.TrimPrefix(path, "/")+
			"?sdkappid=1400000001&identifier=administrator&usersig=eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NSS1KLUpNTwYoMjMwsDAz0zNS0AEXNCaA_&random=4294967295&contenttype=json",
		bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

// httpAnswer wraps body in an *http.Response as the service sends it.
func httpAnswer(body []byte) *http.Response {
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": []string{"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

// generic decodes JSON into plain Go values, numbers kept exact.
func generic(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

// roundTrip re-encodes decoded and reports any difference from original.
func roundTrip(t *testing.T, original []byte, decoded any) []byte {
	t.Helper()
	again, err := json.Marshal(decoded)
	if err != nil {
		t.Fatalf("re-encoding: %v", err)
	}
	if diff := cmp.Diff(generic(t, original), generic(t, again)); diff != "" {
		t.Errorf("re-encoding lost or changed fields (-original +re-encoded):\n%s", diff)
	}
	return again
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("%s differs (-golden +got):\n%s", path, diff)
	}
}

package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// opCase ties an operationId to its generated types.
type opCase struct {
	newRequest func() any
	parse      func(*http.Response) (any, error) // the generated client's parser; returns JSON200
}

// ops has a case for every operation of internal/spec, found on the
// generated client (gen.ClientWithResponses): the body parameter of
// <operationId>WithResponse is the request type, and
// <operationId>WithBodyWithResponse parses an answer with the generated
// parser (TestEveryOperationHasCase checks that every operation has
// both).
var ops = func() map[string]opCase {
	client := reflect.TypeFor[*gen.ClientWithResponses]()
	out := map[string]opCase{}
	for _, o := range spec.Operations {
		typed, ok1 := client.MethodByName(o.ID + "WithResponse")
		raw, ok2 := client.MethodByName(o.ID + "WithBodyWithResponse")
		if !ok1 || !ok2 || typed.Type.NumIn() < 3 || raw.Type.NumOut() != 2 {
			continue
		}
		reqType := typed.Type.In(2) // receiver, ctx, body
		id := o.ID
		out[id] = opCase{
			newRequest: func() any { return reflect.New(reqType).Interface() },
			parse:      func(r *http.Response) (any, error) { return parseAs(id, r) },
		}
	}
	return out
}()

// answerDoer answers every request with its response.
type answerDoer struct{ r *http.Response }

func (d answerDoer) Do(*http.Request) (*http.Response, error) { return d.r, nil }

// parseAs parses r as the answer of the operation id, as the generated
// client does (its <id>WithBodyWithResponse reads the answer with
// Parse<id>HTTPResponse), and returns its JSON200 (nil when none).
func parseAs(id string, r *http.Response) (any, error) {
	client, err := gen.NewClientWithResponses("http://127.0.0.1:1", gen.WithHTTPClient(answerDoer{r}))
	if err != nil {
		return nil, err
	}
	out := reflect.ValueOf(client).MethodByName(id + "WithBodyWithResponse").Call([]reflect.Value{
		reflect.ValueOf(context.Background()), reflect.ValueOf("application/json"), reflect.ValueOf(io.Reader(strings.NewReader("{}"))),
	})
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, err
	}
	json200 := out[0].Elem().FieldByName("JSON200")
	if json200.IsNil() {
		return nil, nil
	}
	return json200.Interface(), nil
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

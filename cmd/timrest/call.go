package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/redact"
	"github.com/timrest/timrest/internal/spec"
)

// maxBodyBytes caps the request body "call" reads: far above what any
// operation takes (1000 AddFriendItem objects are well under 1 MiB).
const maxBodyBytes = 16 << 20

// maxSchemaProblems caps the problems a refused body lists.
const maxSchemaProblems = 5

// newCallCmd returns "call": any operation of the OpenAPI document, by
// its operationId or its path, with a JSON body checked against the
// document before it is sent.
func newCallCmd(a *app) *cobra.Command {
	var (
		bodyPath string
		list     bool
		dryRun   bool
	)
	cmd := &cobra.Command{
		Use:   "call OPERATION [--body FILE|-] [--dry-run] | call --list",
		Short: "Call any operation of the API by operationId or path",
		Long: `Call one operation of the REST API: OPERATION is its operationId
(ImportFriends) or its path (v4/sns/friend_import, with or without the leading
slash). timrest call --list, or timrest call alone, lists them all: operationId,
path, family, call rate, whether it is a batch, paged or idempotent, and what
it does. Every operation of the OpenAPI document the tool was built with is
there, also those without a command of their own.

The request body is JSON from --body FILE ("-": stdin), {} without --body. It
is checked against the operation's request schema in the OpenAPI document
before anything is sent: a body that breaks it is refused with the fields
and reasons (exit status 2), and nothing is sent. --dry-run stops there (it
needs no settings).

The call then goes through the timrest client, like the other API commands:
signed with a UserSig for the admin, at the call rate the document gives,
retried after transient failures; an operation that is not idempotent is not
sent again after a failure that may have reached the service. It needs the
global flags (or variables) --sdkappid, --key, --region or --base-url, and
--admin (default administrator).

Output: the service's answer on stdout. json output (the default when stdout
is not a terminal) is the answer's JSON exactly as the service sent it (a
secret it echoed, which it should never do, would be replaced by REDACTED);
table output (the default on a terminal) is the same JSON indented, with
control and format characters escaped. An answer with ActionStatus FAIL or a
non-zero ErrorCode is an error: the answer on stdout as above, one line on
stderr with the code, its meaning in the document and the service's
ErrorInfo, and exit status 1. Per-item
failures of a batch (ResultCode in ResultItem) are part of a successful answer.

Exit status: 0 on success; 1 when the call failed (an error answer, a network
failure after the retries); 2 for a bad command line: an unknown operation, a
body that is not JSON or breaks the schema, a missing setting.`,
		Example: `  timrest call --list
  timrest call GetFriendLists --body friends-lists.json
  echo '{"From_Account":"alice","NeedFriend":"Need_Friend_Type_Yes"}' | timrest call v4/sns/group_get --body -
  timrest call /v4/group_open_http_svc/get_appid_group_list --body - -o table <<< '{"Limit":100}'
  timrest call ImportFriends --body import.json --dry-run`,
		Args:                  callArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if list || len(args) == 0 {
				switch {
				case len(args) > 0:
					return usageErrorf("--list takes no OPERATION")
				case bodyPath != "" || dryRun:
					return usageErrorf("missing OPERATION: the operationId or path to call (timrest call --list lists them)")
				}
				format, err := a.output(cmd)
				if err != nil {
					return err
				}
				return printOperations(a.stdout, format)
			}
			op, err := lookupOperation(args[0])
			if err != nil {
				return err
			}
			format, err := a.output(cmd)
			if err != nil {
				return err
			}
			var body []byte
			if err := untilDone(cmd.Context(), func() (err error) { // Ctrl-C ends a wait on stdin
				body, err = readBody(a, bodyPath)
				return err
			}); err != nil {
				return err
			}
			if err := checkBody(cmd.Context(), op, body); err != nil {
				return err
			}
			if dryRun {
				fmt.Fprintf(a.stderr, "the body is a valid %s request (%s); nothing was sent\n", op.ID, op.Path)
				return nil
			}
			c, err := a.newClient(cmd)
			if err != nil {
				return err
			}
			answer, callErr := c.Call(cmd.Context(), op.ID, json.RawMessage(body))
			if ve, ok := errors.AsType[*timrest.ValidationError](callErr); ok {
				return &usageError{ve} // refused by the client: nothing was sent
			}
			if len(answer) > 0 { // the service answered
				secrets := a.secrets
				if sig, err := c.Signer().UserSig(); err == nil {
					secrets = append(secrets[:len(secrets):len(secrets)], sig)
				}
				if err := printAnswer(a.stdout, format, answer, secrets); err != nil && callErr == nil {
					return err
				}
			}
			return callErr
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&bodyPath, "body", "", `the request body, a JSON object, from this file ("-": stdin); default {}`)
	fs.BoolVar(&list, "list", false, "list the operations and exit")
	fs.BoolVar(&dryRun, "dry-run", false, "check the body against the document and send nothing")
	return cmd
}

// callArgs is the Args of "call": at most one OPERATION. Like noArgs it
// does not repeat the arguments, which could be a secret typed in the
// wrong place.
func callArgs(_ *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usageErrorf("unexpected argument(s): call takes one OPERATION and flags")
	}
	return nil
}

// lookupOperation returns the operation whose operationId or path is
// name, or a usage error that says how to list them (and suggests the
// name of an operation that name is close to; name itself is not
// repeated).
func lookupOperation(name string) (*spec.Operation, error) {
	name = strings.TrimSpace(name)
	if op := spec.ByID(name); op != nil {
		return op, nil
	}
	if op := spec.ByPath(name); op != nil {
		return op, nil
	}
	hint := ""
	if op := closestOperation(name); op != nil {
		hint = fmt.Sprintf(" (did you mean %s?)", op.ID)
	}
	return nil, usageErrorf("unknown operation%s: give an operationId or a path of the API; timrest call --list lists them", hint)
}

// closestOperation returns the operation whose operationId or path is
// name but for case, or at most two edits away, or whose path ends with
// the segment name (friend_import); or nil.
func closestOperation(name string) *spec.Operation {
	lower := strings.ToLower(strings.TrimPrefix(name, "/"))
	if lower == "" {
		return nil
	}
	for _, op := range spec.Operations {
		path := strings.ToLower(strings.TrimPrefix(op.Path, "/"))
		if strings.HasSuffix(path, "/"+lower) || editDistance(path, lower, 2) <= 2 || editDistance(strings.ToLower(op.ID), lower, 2) <= 2 {
			return op
		}
	}
	return nil
}

// editDistance returns the Levenshtein distance of a and b (in bytes), or
// limit+1 when it is more than limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit+1)
}

// readBody returns the request body of --body path ("-": stdin; "": {}),
// without a UTF-8 byte order mark. A body that cannot be read, is larger
// than maxBodyBytes or is not one JSON value is a usage error.
func readBody(a *app, path string) ([]byte, error) {
	if path == "" {
		return []byte("{}"), nil
	}
	var r io.Reader = a.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageErrorf("cannot read --body: %v", err)
		}
		defer f.Close()
		r = f
	}
	body, err := io.ReadAll(io.LimitReader(r, maxBodyBytes+1))
	switch {
	case err != nil:
		return nil, usageErrorf("cannot read --body: %v", err)
	case len(body) > maxBodyBytes:
		return nil, usageErrorf("--body is larger than %d bytes", maxBodyBytes)
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, usageErrorf("--body is empty: give a JSON object ({} for no fields)")
	}
	var v json.RawMessage
	if err := json.Unmarshal(body, &v); err != nil {
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			return nil, usageErrorf("--body is not valid JSON: %v (at byte %d)", se, se.Offset)
		}
		return nil, usageErrorf("--body is not valid JSON: %v", err)
	}
	return body, nil
}

// bodyValidator is the validator of the OpenAPI document, loaded once.
var bodyValidator = sync.OnceValues(func() (*contract.Validator, error) {
	c, err := contract.Load()
	if err != nil {
		return nil, err
	}
	return c.NewValidator()
})

// checkBody checks body against the request schema of op in the OpenAPI
// document, with kin-openapi (internal/contract's Validator). A body that
// breaks the schema is a usage error naming each field (as a JSON path)
// and why, the first maxSchemaProblems of them.
func checkBody(ctx context.Context, op *spec.Operation, body []byte) error {
	v, err := bodyValidator()
	if err != nil {
		return fmt.Errorf("cannot load the OpenAPI document: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://localhost"+op.Path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	in, err := v.RequestInput(req)
	if err != nil {
		return fmt.Errorf("%s: %w", op.ID, err) // the document and spec disagree: a bug
	}
	// The query parameters (sdkappid, identifier, usersig, ...) are the
	// client's to add, not the body's: only the body is checked here.
	in.Options.AuthenticationFunc = openapi3filter.NoopAuthenticationFunc
	err = openapi3filter.ValidateRequest(ctx, in)
	if err == nil {
		return nil
	}
	problems := schemaProblems(err)
	more := ""
	if len(problems) > maxSchemaProblems {
		more = fmt.Sprintf("; and %d more", len(problems)-maxSchemaProblems)
		problems = problems[:maxSchemaProblems]
	}
	return usageErrorf("--body breaks the %s request schema: %s%s", op.ID, strings.Join(problems, "; "), more)
}

// schemaProblems lists the leaf problems of a kin-openapi validation
// error, each as "field: reason" with the field as a JSON path
// (AddFriendItem[0].AddSource), "(body)" for the body itself.
func schemaProblems(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, x := range e {
				walk(x)
			}
			return
		case *openapi3.SchemaError:
			field := fieldPath(e.JSONPointer())
			if field == "" {
				field = "(body)"
			}
			out = append(out, field+": "+e.Reason)
			return
		case *openapi3filter.RequestError:
			if e.Err != nil {
				walk(e.Err)
				return
			}
			out = append(out, "(body): "+e.Reason)
			return
		}
		if u := errors.Unwrap(err); u != nil {
			walk(u)
			return
		}
		out = append(out, "(body): "+err.Error())
	}
	walk(err)
	return out
}

// fieldPath writes a JSON pointer's tokens as a field path for a message:
// AddFriendItem, 0, AddSource is AddFriendItem[0].AddSource; no tokens
// is "".
func fieldPath(tokens []string) string {
	var b strings.Builder
	for i, t := range tokens {
		if _, err := strconv.ParseUint(t, 10, 32); err == nil {
			b.WriteString("[" + t + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

// printAnswer writes the answer's JSON: as it is (json) or indented and
// escaped for a terminal (table), with any of secrets the service echoed
// replaced.
func printAnswer(w io.Writer, format string, answer json.RawMessage, secrets []string) error {
	out := []byte(redact.Text(string(answer), secrets...))
	if format == outputTable {
		var b bytes.Buffer
		if json.Indent(&b, out, "", "  ") == nil {
			lines := strings.Split(b.String(), "\n")
			for i, l := range lines {
				lines[i] = safeText(l)
			}
			out = []byte(strings.Join(lines, "\n"))
		}
	}
	out = append(bytes.TrimRight(out, "\n"), '\n')
	_, err := w.Write(out)
	return err
}

// operationOutput is one operation in the json output of "call --list".
type operationOutput struct {
	OperationID string        `json:"operationId"`
	Path        string        `json:"path"`
	Family      string        `json:"family"`
	Service     string        `json:"service"`
	Method      string        `json:"method"`
	Summary     string        `json:"summary"`
	Doc         string        `json:"doc,omitempty"`
	Rate        float64       `json:"rate"`
	Idempotent  bool          `json:"idempotent"`
	Batch       *batchOutput  `json:"batch,omitempty"`
	Paging      *pagingOutput `json:"paging,omitempty"`
}

// batchOutput is an operation's batch shape in "call --list".
type batchOutput struct {
	Items   string `json:"items"`
	Max     int    `json:"max"`
	Account string `json:"account,omitempty"`
}

// pagingOutput is an operation's paging shape in "call --list".
type pagingOutput struct {
	Cursor string `json:"cursor"`
	Next   string `json:"next"`
	Done   string `json:"done"`           // zero: next is 0 on the last page; flag: flag is not 0 there
	Flag   string `json:"flag,omitempty"` // with done flag
	Items  string `json:"items"`
}

// printOperations writes every operation of the document, in the
// document's order (by path).
func printOperations(w io.Writer, format string) error {
	if format == outputJSON {
		out := make([]operationOutput, 0, len(spec.Operations))
		for _, op := range spec.Operations {
			o := operationOutput{OperationID: op.ID, Path: op.Path, Family: op.Family, Service: op.Service, Method: op.Method,
				Summary: op.Summary, Doc: op.Doc, Rate: op.Rate, Idempotent: op.Idempotent}
			if b := op.Batch; b != nil {
				o.Batch = &batchOutput{Items: b.Items, Max: b.Max, Account: b.Account}
			}
			if p := op.Paging; p != nil {
				o.Paging = &pagingOutput{Cursor: p.Cursor, Next: p.Next, Done: string(p.Done), Flag: p.Flag, Items: p.Items}
			}
			out = append(out, o)
		}
		return writeJSON(w, out)
	}
	tw := newTable(w)
	fmt.Fprintln(tw, "OPERATION\tPATH\tFAMILY\tRATE\tKIND\tSUMMARY")
	for _, op := range spec.Operations {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s/s\t%s\t%s\n", op.ID, op.Path, op.Family,
			strconv.FormatFloat(op.Rate, 'f', -1, 64), operationKind(op), safeText(op.Summary))
	}
	return tw.Flush()
}

// operationKind describes an operation's shape for the table of "call
// --list": "batch of 1000 AddFriendItem", "paged", "idempotent".
func operationKind(op *spec.Operation) string {
	var parts []string
	if b := op.Batch; b != nil {
		parts = append(parts, fmt.Sprintf("batch of %d %s", b.Max, b.Items))
	}
	if p := op.Paging; p != nil {
		switch p.Done {
		case spec.DoneFlag:
			parts = append(parts, "paged until "+p.Flag+" is not 0")
		default:
			parts = append(parts, "paged until "+p.Next+" is 0")
		}
	}
	if op.Idempotent {
		parts = append(parts, "idempotent")
	} else {
		parts = append(parts, "not idempotent")
	}
	return strings.Join(parts, ", ")
}

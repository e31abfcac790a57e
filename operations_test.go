package timrest_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/internal/contract"
)

// TestEveryOperationHasAMethod: each operation of openapi/ has a Client
// method whose doc comment names it (//meta:operation POST /path) and
// links the vendor's page (x-tim-doc), and every //meta:operation names
// an operation of the document (STYLE.md 3).
func TestEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	c := contract.MustLoad()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	type method struct{ name, meta, docs string }
	var methods []method
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Doc == nil {
				continue
			}
			m := method{name: fn.Name.Name}
			for _, line := range fn.Doc.List {
				if rest, ok := strings.CutPrefix(line.Text, "//meta:operation "); ok {
					if m.meta != "" {
						t.Errorf("%s: more than one //meta:operation", m.name)
					}
					m.meta = rest
				}
				if rest, ok := strings.CutPrefix(line.Text, "// Tencent IM API docs: "); ok {
					m.docs = rest
				}
			}
			if m.meta != "" || m.docs != "" {
				if recv := fn.Recv.List[0].Type; !isClientPtr(recv) {
					t.Errorf("%s: has an operation comment but is not a *Client method", m.name)
				}
				methods = append(methods, m)
			}
		}
	}
	covered := map[string][]string{}
	for _, m := range methods {
		verb, path, _ := strings.Cut(m.meta, " ")
		i := slices.IndexFunc(c.Operations, func(o contract.Operation) bool { return o.Path == path })
		switch {
		case m.meta == "":
			t.Errorf("%s links docs but has no //meta:operation", m.name)
			continue
		case verb != "POST" || i < 0:
			t.Errorf("%s: //meta:operation %q is not an operation of openapi/", m.name, m.meta)
			continue
		}
		op := c.Operations[i]
		if m.docs != op.DocURL {
			t.Errorf("%s: docs link %q, want the x-tim-doc of %s: %q", m.name, m.docs, op.ID, op.DocURL)
		}
		covered[op.ID] = append(covered[op.ID], m.name)
	}
	for _, op := range c.Operations {
		names := covered[op.ID]
		if len(names) == 0 {
			t.Errorf("operation %s (POST %s) has no Client method", op.ID, op.Path)
			continue
		}
		if !slices.Contains(names, op.ID) {
			t.Errorf("operation %s is covered by %v but no method is named after it", op.ID, names)
		}
	}
}

func isClientPtr(e ast.Expr) bool {
	star, ok := e.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Client"
}

// TestErrorClassesFromTheDocument: every code the document lists matches
// the sentinel of its class, and ErrRetryable exactly when its retry advice
// is not "no". The table is the document's, not a second list.
func TestErrorClassesFromTheDocument(t *testing.T) {
	t.Parallel()
	c := contract.MustLoad()
	sentinels := map[contract.Class]error{
		contract.ClassBadRequest: timrest.ErrBadRequest, contract.ClassAuth: timrest.ErrUserSig,
		contract.ClassPermission: timrest.ErrPermission, contract.ClassRateLimited: timrest.ErrRateLimited,
		contract.ClassTransient: timrest.ErrTransient, contract.ClassNotFound: timrest.ErrNotFound,
		contract.ClassConflict: timrest.ErrConflict, contract.ClassLimit: timrest.ErrLimit,
		contract.ClassConfig: timrest.ErrConfig,
	}
	check := func(op string, e contract.ErrorCode) {
		err := error(&timrest.Error{Op: op, Code: e.Code, Info: "x"})
		for class, s := range sentinels {
			if got := errors.Is(err, s); got != (class == e.Class) {
				t.Errorf("%s %d (%s): errors.Is(%v) = %v", op, e.Code, e.Class, s, got)
			}
		}
		if got := errors.Is(err, timrest.ErrRetryable); got != (e.Retry != contract.RetryNo) {
			t.Errorf("%s %d (retry %s): ErrRetryable %v", op, e.Code, e.Retry, got)
		}
		var te *timrest.Error
		if !errors.As(err, &te) || te.Meaning() != e.Meaning || te.Class() != string(e.Class) {
			t.Errorf("%s %d: Meaning %q Class %q", op, e.Code, te.Meaning(), te.Class())
		}
	}
	for _, o := range c.Operations {
		for _, e := range o.Errors {
			check(o.ID, e)
		}
		for _, e := range c.PublicErrors {
			check(o.ID, e)
		}
	}
	// An operation's own codes take precedence: 30001 is per item for
	// GetFriends too; an unknown code matches no class.
	unknown := &timrest.Error{Op: "GetFriends", Code: 99999}
	for _, s := range sentinels {
		if errors.Is(unknown, s) {
			t.Errorf("unknown code matches %v", s)
		}
	}
	// HTTP failures.
	if e := (&timrest.Error{Op: "GetFriends", HTTPStatus: 502}); !errors.Is(e, timrest.ErrTransient) || !e.Retryable() || e.Error() != "timrest: GetFriends: HTTP 502" {
		t.Errorf("HTTP 502: %v", e)
	}
}

package timrest_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
)

// TestOperationsAreTheDocuments: the generated table of operations
// (internal/spec) has exactly the document's operations: every POST path
// of openapi/ with its operationId and x-tim-doc, and nothing else.
func TestOperationsAreTheDocuments(t *testing.T) {
	t.Parallel()
	doc := contract.MustLoad().Doc
	seen := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		if item.Post == nil {
			t.Errorf("%s: no POST operation", path)
			continue
		}
		id := item.Post.OperationID
		op := spec.ByID(id)
		switch {
		case op == nil:
			t.Errorf("operation %s (POST %s) is not in spec.Operations", id, path)
			continue
		case op.Path != path || spec.ByPath(path) != op:
			t.Errorf("%s: path %q in spec, %q in the document", id, op.Path, path)
		}
		if docURL, _ := item.Post.Extensions["x-tim-doc"].(string); op.Doc != docURL {
			t.Errorf("%s: Doc %q in spec, x-tim-doc %q in the document", id, op.Doc, docURL)
		}
		seen[id] = true
	}
	for _, op := range spec.Operations {
		if !seen[op.ID] {
			t.Errorf("spec.Operations has %s (POST %s), which the document does not", op.ID, op.Path)
		}
	}
}

// TestEveryOperationHasAMethod: each operation of the document has its
// method (op.Method) on its family's service (op.Service), reachable from
// the Client as a field of that name, and the method's doc comment names
// the operation (//meta:operation POST /path) and links the vendor's page
// (x-tim-doc). Every //meta:operation of the package names an operation
// of the document and sits on a method of that operation's service.
func TestEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, newFakeRT(t, nil))
	client := reflect.ValueOf(c).Elem()

	// Each family of the document is a service field of the Client,
	// set by New.
	services := map[string]reflect.Value{} // service name → the *XService value
	for _, f := range spec.Families {
		v := client.FieldByName(f.Service)
		if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
			t.Errorf("family %s: Client has no service field %s set by New", f.Name, f.Service)
			continue
		}
		if want := f.Service + "Service"; v.Type().Elem().Name() != want {
			t.Errorf("Client.%s is a %s, want *%s", f.Service, v.Type(), want)
		}
		services[f.Service] = v
	}

	// The method of each operation, on its service.
	for _, op := range spec.Operations {
		if !slices.ContainsFunc(spec.Families, func(f struct{ Name, Service string }) bool {
			return f.Name == op.Family && f.Service == op.Service
		}) {
			t.Errorf("%s: family %s, service %s: not a family of spec.Families", op.ID, op.Family, op.Service)
		}
		svc, ok := services[op.Service]
		if !ok {
			continue
		}
		m := svc.MethodByName(op.Method)
		if !m.IsValid() {
			t.Errorf("operation %s (POST %s): %s has no method %s", op.ID, op.Path, svc.Type(), op.Method)
			continue
		}
		// Every method takes the context first and CallOptions last.
		mt := m.Type()
		if mt.NumIn() < 2 || mt.In(0).String() != "context.Context" || !mt.IsVariadic() ||
			mt.In(mt.NumIn()-1).Elem() != reflect.TypeFor[timrest.CallOption]() {
			t.Errorf("%s.%s: signature %s, want (context.Context, ..., ...CallOption)", op.Service, op.Method, mt)
		}
	}

	// The comments, from the source.
	type method struct{ recv, name, meta, docs string }
	var methods []method
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
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
			m := method{recv: recvName(fn.Recv.List[0].Type), name: fn.Name.Name}
			for _, line := range fn.Doc.List {
				if rest, ok := strings.CutPrefix(line.Text, "//meta:operation "); ok {
					if m.meta != "" {
						t.Errorf("%s.%s: more than one //meta:operation", m.recv, m.name)
					}
					m.meta = rest
				}
				if rest, ok := strings.CutPrefix(line.Text, "// Tencent IM API docs: "); ok {
					m.docs = rest
				}
			}
			if m.meta != "" || m.docs != "" {
				methods = append(methods, m)
			}
		}
	}
	covered := map[*spec.Operation][]string{}
	for _, m := range methods {
		verb, path, _ := strings.Cut(m.meta, " ")
		op := spec.ByPath(path)
		switch {
		case m.meta == "":
			t.Errorf("%s.%s links docs but has no //meta:operation", m.recv, m.name)
			continue
		case verb != "POST" || op == nil || op.Path != path:
			t.Errorf("%s.%s: //meta:operation %q is not an operation of the document", m.recv, m.name, m.meta)
			continue
		}
		if m.recv != op.Service+"Service" {
			t.Errorf("%s.%s: //meta:operation %s is an operation of %sService", m.recv, m.name, op.ID, op.Service)
		}
		if m.docs != op.Doc {
			t.Errorf("%s.%s: docs link %q, want the x-tim-doc of %s: %q", m.recv, m.name, m.docs, op.ID, op.Doc)
		}
		covered[op] = append(covered[op], m.name)
	}
	for _, op := range spec.Operations {
		if !slices.Contains(covered[op], op.Method) {
			t.Errorf("operation %s: no method %s with //meta:operation POST %s (methods with it: %v)", op.ID, op.Method, op.Path, covered[op])
		}
	}
}

// recvName is the name of a method's receiver type, without the star.
func recvName(e ast.Expr) string {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// TestErrorClassesFromTheDocument: every code the document lists matches
// the sentinel of its class, and ErrRetryable exactly when its retry advice
// is not "no". The table is the document's, not a second list.
func TestErrorClassesFromTheDocument(t *testing.T) {
	t.Parallel()
	sentinels := map[spec.Class]error{
		spec.ClassBadRequest: timrest.ErrBadRequest, spec.ClassAuth: timrest.ErrUserSig,
		spec.ClassPermission: timrest.ErrPermission, spec.ClassRateLimited: timrest.ErrRateLimited,
		spec.ClassTransient: timrest.ErrTransient, spec.ClassNotFound: timrest.ErrNotFound,
		spec.ClassConflict: timrest.ErrConflict, spec.ClassLimit: timrest.ErrLimit,
		spec.ClassConfig: timrest.ErrConfig,
	}
	check := func(op *spec.Operation, e spec.ErrorCode) {
		if want, ok := op.Lookup(e.Code); !ok || want != e {
			return // the operation's own entry for the code wins; checked on its own
		}
		if _, ok := sentinels[e.Class]; !ok {
			t.Errorf("%s %d: class %q has no sentinel", op.ID, e.Code, e.Class)
		}
		err := error(&timrest.Error{Op: op.ID, Code: e.Code, Info: "x"})
		for class, s := range sentinels {
			if got := errors.Is(err, s); got != (class == e.Class) {
				t.Errorf("%s %d (%s): errors.Is(%v) = %v", op.ID, e.Code, e.Class, s, got)
			}
		}
		if got := errors.Is(err, timrest.ErrRetryable); got != (e.Retry != spec.RetryNo) {
			t.Errorf("%s %d (retry %s): ErrRetryable %v", op.ID, e.Code, e.Retry, got)
		}
		var te *timrest.Error
		if !errors.As(err, &te) || te.Meaning() != e.Meaning || te.Class() != string(e.Class) {
			t.Errorf("%s %d: Meaning %q Class %q", op.ID, e.Code, te.Meaning(), te.Class())
		}
	}
	for _, o := range spec.Operations {
		for _, e := range o.Errors {
			check(o, e)
		}
		for _, e := range spec.PublicErrors {
			check(o, e)
		}
	}
	// An unknown code matches no class.
	unknown := &timrest.Error{Op: spec.GetFriends.ID, Code: 99999}
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

package main

import (
	"bytes"
	"fmt"
)

// emitEmulator writes emulator/operations.gen.go: the emulator's side of
// oapi-codegen's strict server. For every operation of the document it
// writes
//
//   - a field of the struct behaviours, named by the operationId, typed as
//     the strict server's method, which the emulator's family files set
//     to their hand-written behaviour;
//   - a method of dispatch (which implements gen.StrictServerInterface)
//     that runs that behaviour, or the emulator's generic fallback when
//     the field is nil;
//   - the method Visit<Op>Response of exampleAnswer, so that the
//     fallback's answer (the document's example) is an answer of every
//     operation;
//   - a case of answerCode, which reads the ErrorCode of the operation's
//     generated answer type for the emulator's statistics.
//
// The hand-written names it uses (Emulator.behaviours, Emulator.fallback,
// exampleAnswer and its write method) are in emulator/operations.go. An
// operation added to the document is thus served by the fallback until a
// family gives it a behaviour: the emulator still builds.
func emitEmulator(m *model, b *bytes.Buffer) error {
	type emuOp struct {
		*op
		errorCode string // the Go name of the answer's ErrorCode field
	}
	var ops []emuOp
	for _, o := range m.ops {
		// The names oapi-codegen's strict server gives an operation's
		// types; refuse a gen/ that named them otherwise, rather than
		// write Go that does not compile.
		if _, ok := m.structs[o.ID+"RequestObject"]; !ok {
			return fmt.Errorf("operation %s: gen has no %sRequestObject: is the strict server generated (gen/oapi-codegen.yaml)?", o.ID, o.ID)
		}
		if got := m.aliases[o.ID+"200JSONResponse"]; got != o.Resp {
			return fmt.Errorf("operation %s: gen's %s200JSONResponse is %q, want the answer schema %s", o.ID, o.ID, got, o.Resp)
		}
		f, ok := m.structs[o.Resp]["ErrorCode"]
		if !ok || f.Type != "int32" {
			return fmt.Errorf("operation %s: the answer %s has no ErrorCode of type int32", o.ID, o.Resp)
		}
		ops = append(ops, emuOp{o, f.Name})
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }

	p("package emulator\n\nimport (\n\t\"context\"\n\t\"net/http\"\n\n\t\"github.com/timrest/timrest/gen\"\n)\n\n")

	p("// behaviours are the hand-written behaviours of the document's\n")
	p("// operations: a field per operation, named by its operationId and\n")
	p("// typed as its method of gen.StrictServerInterface. The families set\n")
	p("// them (see family); dispatch serves an operation whose field is nil\n")
	p("// with the generic fallback.\n")
	p("type behaviours struct {\n")
	for _, o := range ops {
		p("\t// %s serves %s.\n", o.ID, o.Path)
		p("\t%s func(context.Context, gen.%sRequestObject) (gen.%sResponseObject, error)\n", o.ID, o.ID, o.ID)
	}
	p("}\n\n")

	p("// stateful reports, for every operation of the document by\n")
	p("// operationId, whether it has a behaviour.\n")
	p("func (b *behaviours) stateful() map[string]bool {\n\treturn map[string]bool{\n")
	for _, o := range ops {
		p("\t\t%q: b.%s != nil,\n", o.ID, o.ID)
	}
	p("\t}\n}\n\n")

	p("// dispatch implements gen.StrictServerInterface: each method runs its\n")
	p("// operation's behaviour or, when it has none, the generic fallback.\n")
	p("type dispatch struct{ e *Emulator }\n\n")
	p("var _ gen.StrictServerInterface = dispatch{}\n\n")
	for _, o := range ops {
		p("// %s serves %s: %s\n", o.ID, o.Path, o.Summary)
		p("func (d dispatch) %s(ctx context.Context, req gen.%sRequestObject) (gen.%sResponseObject, error) {\n", o.ID, o.ID, o.ID)
		p("\tif f := d.e.behaviours.%s; f != nil {\n\t\treturn f(ctx, req)\n\t}\n", o.ID)
		p("\treturn d.e.fallback(ctx, %q)\n}\n\n", o.ID)
	}

	for _, o := range ops {
		p("// Visit%sResponse writes the example as an answer of %s.\n", o.ID, o.ID)
		p("func (a exampleAnswer) Visit%sResponse(w http.ResponseWriter) error { return a.write(w) }\n\n", o.ID)
	}

	p("// answerCode returns the ErrorCode of a generated answer type.\n")
	p("func answerCode(resp any) (int32, bool) {\n\tswitch v := resp.(type) {\n")
	for _, o := range ops {
		p("\tcase gen.%s200JSONResponse:\n\t\treturn v.%s, true\n", o.ID, o.errorCode)
	}
	p("\t}\n\treturn 0, false\n}\n")
	return nil
}

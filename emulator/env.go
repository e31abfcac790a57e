package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
)

// env is what the emulator needs from the loaded document, once per
// process: the validator of requests, the schemas of the query
// parameters, and the example answers of the generic fallback. Every
// other fact comes from internal/spec.
type env struct {
	contract  *contract.Contract
	validator *contract.Validator
	// codes are the codes of each operation, by operationId, picked by
	// class from spec.
	codes map[string]opCodes
	// examples are the first example answer of each operation that has
	// one, by operationId, for the generic fallback.
	examples map[string]exampleAnswer
}

var (
	envOnce sync.Once
	envVal  *env
	envErr  error
)

func loadEnv() (*env, error) {
	envOnce.Do(func() { envVal, envErr = newEnv() })
	return envVal, envErr
}

func newEnv() (*env, error) {
	c, err := contract.Load()
	if err != nil {
		return nil, err
	}
	v, err := c.NewValidator()
	if err != nil {
		return nil, err
	}
	e := &env{contract: c, validator: v, codes: map[string]opCodes{}, examples: map[string]exampleAnswer{}}
	for _, o := range spec.Operations {
		e.codes[o.ID] = codesOf(o)
		_, answers, err := c.Examples(o.ID)
		if err != nil {
			return nil, err
		}
		if len(answers) == 0 {
			continue
		}
		var head struct{ ErrorCode int32 }
		if err := json.Unmarshal(answers[0].Value, &head); err != nil {
			return nil, fmt.Errorf("emulator: %s: example answer %s: %w", o.ID, answers[0].Name, err)
		}
		e.examples[o.ID] = exampleAnswer{body: append(answers[0].Value, '\n'), code: head.ErrorCode}
	}
	return e, nil
}

// canonicalType maps a group type to its current name
// (spec.GroupTypeRenames), so that a filter matches groups stored under
// the old or the new name alike.
func canonicalType(t gen.GroupType) gen.GroupType {
	if to, ok := spec.GroupTypeRenames[string(t)]; ok {
		return gen.GroupType(to)
	}
	return t
}

// schemaErrorText describes a kin-openapi validation error briefly, as
// "/pointer: reason" per problem, without quoting values (they may be
// long).
func schemaErrorText(err error) string {
	leaves, _ := schemaErrors(err)
	parts := make([]string, 0, len(leaves))
	for _, se := range leaves {
		parts = append(parts, schemaErrorLine(se))
	}
	if len(parts) == 0 {
		return "invalid request body"
	}
	return strings.Join(parts, "; ")
}

func schemaErrorLine(se *openapi3.SchemaError) string {
	return fmt.Sprintf("/%s: %s", strings.Join(se.JSONPointer(), "/"), se.Reason)
}

// schemaErrors flattens err into its leaf schema errors. A oneOf failure
// counts as one error at its own pointer (its alternatives are not
// listed). all is false when some leaf is not a schema error.
func schemaErrors(err error) (leaves []*openapi3.SchemaError, all bool) {
	all = true
	var walk func(error)
	walk = func(err error) {
		switch v := err.(type) {
		case openapi3.MultiError:
			for _, e := range v {
				walk(e)
			}
			return
		case *openapi3.SchemaError:
			leaves = append(leaves, v)
			return
		}
		if u := errors.Unwrap(err); u != nil {
			walk(u)
			return
		}
		all = false
	}
	walk(err)
	return leaves, all
}

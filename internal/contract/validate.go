package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Validator checks HTTP requests and answers against the document. Routes
// match by path on any host, so a server on loopback is checked like the
// vendor's hosts.
type Validator struct {
	c      *Contract
	router routers.Router
}

// NewValidator returns a Validator for c.
func (c *Contract) NewValidator() (*Validator, error) {
	doc := *c.Doc // shallow copy: only Servers changes
	doc.Servers = nil
	r, err := gorillamux.NewRouter(&doc)
	if err != nil {
		return nil, fmt.Errorf("contract: building the router: %w", err)
	}
	return &Validator{c: c, router: r}, nil
}

// ErrNoRoute is returned (wrapped) for a request whose method and path the
// document does not describe.
var ErrNoRoute = errors.New("contract: no such operation")

// Route finds the operation of req.
func (v *Validator) Route(req *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s %s: %v", ErrNoRoute, req.Method, req.URL.Path, err)
	}
	return route, params, nil
}

// RequestInput builds the kin-openapi input for req, with the document's
// common query parameters checked by CheckQuery. The body of req is read
// and replaced, so req can still be sent or served afterwards.
func (v *Validator) RequestInput(req *http.Request) (*openapi3filter.RequestValidationInput, error) {
	route, params, err := v.Route(req)
	if err != nil {
		return nil, err
	}
	return &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: v.Authenticate,
			// Checking a request must not change it: kin-openapi
			// would otherwise write the schemas' defaults into the
			// body (a Limit the caller did not send).
			SkipSettingDefaults: true,
		},
	}, nil
}

// ValidateRequest checks req (query parameters and body) against the
// document.
func (v *Validator) ValidateRequest(ctx context.Context, req *http.Request) error {
	in, err := v.RequestInput(req)
	if err != nil {
		return err
	}
	return openapi3filter.ValidateRequest(ctx, in)
}

// ValidateResponse checks an answer (status, content type, body) to req
// against the document. body is the answer's body, already read.
func (v *Validator) ValidateResponse(ctx context.Context, req *http.Request, status int, header http.Header, body []byte) error {
	in, err := v.RequestInput(req)
	if err != nil {
		return err
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	out.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(ctx, out)
}

// Authenticate is a kin-openapi AuthenticationFunc for the document's
// security schemes: the query parameter must be present once and its value
// must match the scheme's x-tim-schema.
func (v *Validator) Authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	name := in.SecurityScheme.Name
	if err := v.c.CheckQueryParam(name, in.RequestValidationInput.Request.URL.Query()[name]); err != nil {
		return in.NewError(err) // NewError(nil) would make a failure of its own
	}
	return nil
}

// CheckQueryParam checks the values given for the common query parameter
// name: exactly one value, matching the parameter's schema. Errors name the
// parameter but never quote its value (it may be a UserSig).
func (c *Contract) CheckQueryParam(name string, values []string) error {
	schema, ok := c.QueryParams[name]
	if !ok {
		return fmt.Errorf("query parameter %s is not one of the document's", name)
	}
	switch len(values) {
	case 0:
		return fmt.Errorf("query parameter %s is missing", name)
	case 1:
	default:
		return fmt.Errorf("query parameter %s is given %d times", name, len(values))
	}
	var value any = values[0]
	if schema.Type.Is(openapi3.TypeInteger) {
		n, err := strconv.ParseUint(values[0], 10, 64)
		if err != nil {
			return fmt.Errorf("query parameter %s is not an unsigned integer", name)
		}
		value = float64(n)
		if n > 1<<53 { // float64 loses precision; check the bound exactly instead
			if schema.Max != nil && n > uint64(*schema.Max) {
				return fmt.Errorf("query parameter %s is above its maximum", name)
			}
			return nil
		}
	}
	if err := schema.VisitJSON(value); err != nil {
		return fmt.Errorf("query parameter %s does not match its schema: %s", name, schemaReason(err))
	}
	return nil
}

// schemaReason returns the reason of a schema error without the value.
func schemaReason(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return se.Reason
	}
	return "invalid"
}

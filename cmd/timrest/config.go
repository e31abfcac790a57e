package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/regions"
)

// Environment variables of the global flags (TIM_SECRET_KEY, envSecretKey,
// is in root.go). A flag given on the command line wins over its variable.
const (
	envSDKAppID = "TIM_SDKAPPID"
	envAdmin    = "TIM_ADMIN"
	envRegion   = "TIM_REGION"
	envBaseURL  = "TIM_BASE_URL"
	envOutput   = "TIM_OUTPUT"
)

// Output formats of --output.
const (
	outputJSON  = "json"
	outputTable = "table"
)

// globalFlags are the root command's persistent flags: the app, its key,
// the admin the calls are made as, where the API is, and how results are
// printed, and the Redis of a rate limiter shared with other processes
// (--limiter, limiter.go). The API commands (friends, groups, call) read them through
// app.newClient and app.output. usersig and emulator define their own
// --sdkappid and --key (and emulator its own --admin), with the same
// meaning and variables; cobra lets a command's own flag shadow an
// inherited one of the same name.
type globalFlags struct {
	sdkAppID appIDValue
	key      string
	admin    string
	region   string
	baseURL  string
	output   outputValue
	limiter  string
}

// register adds the flags to fs, the root's persistent flags.
func (g *globalFlags) register(fs *pflag.FlagSet) {
	fs.Var(&g.sdkAppID, "sdkappid", "the app's SDKAppID (default $"+envSDKAppID+")")
	fs.StringVar(&g.key, "key", "", "the app's secret key (default $"+envSecretKey+"; prefer the variable: command lines are visible to other users)")
	fs.StringVar(&g.admin, "admin", "", "the app admin account the calls are made as (default $"+envAdmin+", else "+emulator.DefaultAdmin+")")
	fs.StringVar(&g.region, "region", "", "the app's data center: "+regionCodes()+" (default $"+envRegion+")")
	fs.StringVar(&g.baseURL, "base-url", "", "call this base URL instead of the region's host, e.g. an emulator's; https, or http on loopback only (default $"+envBaseURL+")")
	fs.VarP(&g.output, "output", "o", "output format: json or table (default $"+envOutput+", else table on a terminal and json otherwise)")
	fs.StringVar(&g.limiter, "limiter", "", limiterUsage)
}

// regionCodes lists the region codes, comma-separated.
func regionCodes() string {
	var codes []string
	for _, r := range regions.All() {
		codes = append(codes, r.Code())
	}
	return strings.Join(codes, ", ")
}

// setting returns the value of the flag name when it was given on the
// command line, else the environment variable env's (which may be "").
func (a *app) setting(cmd *cobra.Command, name, env string) string {
	if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
		return f.Value.String()
	}
	return strings.TrimSpace(a.getenv(env))
}

// clientConfig resolves the global flags and their variables into a
// timrest.Config. A missing or invalid setting is a usage error naming
// the flag and the variable; no message repeats a value, which could be
// a key typed in the wrong place.
func (a *app) clientConfig(cmd *cobra.Command) (timrest.Config, error) {
	var cfg timrest.Config
	if f := cmd.Flags().Lookup("sdkappid"); f != nil && f.Changed {
		cfg.SDKAppID = uint64(a.global.sdkAppID)
	} else if s := strings.TrimSpace(a.getenv(envSDKAppID)); s != "" {
		var v appIDValue
		if err := v.Set(s); err != nil {
			return cfg, usageErrorf("invalid %s: %v (or pass --sdkappid)", envSDKAppID, err)
		}
		cfg.SDKAppID = uint64(v)
	}
	if cfg.SDKAppID == 0 {
		return cfg, usageErrorf("missing --sdkappid: pass the app's SDKAppID or set %s", envSDKAppID)
	}

	cfg.SecretKey = a.global.key
	if cfg.SecretKey == "" {
		cfg.SecretKey = a.getenv(envSecretKey)
	}
	if cfg.SecretKey == "" {
		return cfg, usageErrorf("missing secret key: pass --key or set %s", envSecretKey)
	}
	a.secrets = append(a.secrets, cfg.SecretKey)

	cfg.Admin = a.setting(cmd, "admin", envAdmin)
	if cfg.Admin == "" {
		cfg.Admin = emulator.DefaultAdmin
	}

	if name := a.setting(cmd, "region", envRegion); name != "" {
		r, err := regions.Lookup(name)
		if err != nil {
			return cfg, usageErrorf("invalid --region / %s: unknown region (valid codes: %s)", envRegion, regionCodes())
		}
		cfg.Region = r
	}
	cfg.BaseURL = a.setting(cmd, "base-url", envBaseURL)
	if cfg.Region.IsZero() && cfg.BaseURL == "" {
		return cfg, usageErrorf("missing --region: pass the app's data center (%s) or set %s; or --base-url / %s", regionCodes(), envRegion, envBaseURL)
	}
	return cfg, nil
}

// newClient returns a timrest client for the global flags, with the
// app's extra options (the tests') and the command's opts; --limiter
// (limiter.go), when given, sets the rate limiter over both.
func (a *app) newClient(cmd *cobra.Command, opts ...timrest.Option) (*timrest.Client, error) {
	cfg, err := a.clientConfig(cmd)
	if err != nil {
		return nil, err
	}
	all := append(append([]timrest.Option(nil), a.clientOpts...), opts...)
	lim, err := a.limiterOption(cmd, cfg.SDKAppID)
	if err != nil {
		return nil, err
	}
	if lim != nil {
		all = append(all, lim)
	}
	c, err := timrest.New(cfg, all...)
	if err != nil {
		return nil, configError(err)
	}
	return c, nil
}

// configError turns the *timrest.ValidationError of timrest.New into a
// usage error naming the flag and the variable.
func configError(err error) error {
	ve, ok := errors.AsType[*timrest.ValidationError](err)
	if !ok {
		return err
	}
	names := map[string]string{
		"Config.SDKAppID":  "--sdkappid / " + envSDKAppID,
		"Config.SecretKey": "--key / " + envSecretKey,
		"Config.Admin":     "--admin / " + envAdmin,
		"Config.Region":    "--region / " + envRegion,
		"Config.BaseURL":   "--base-url / " + envBaseURL,
	}
	if n, ok := names[ve.Field]; ok {
		// The command line has no equivalent of the option WithAllowHTTP.
		return usageErrorf("invalid %s: %s", n, strings.TrimSuffix(ve.Reason, " (or WithAllowHTTP)"))
	}
	return err
}

// output returns the output format: --output, else $TIM_OUTPUT, else
// table when stdout is a terminal and json when it is not.
func (a *app) output(cmd *cobra.Command) (string, error) {
	if s := a.setting(cmd, "output", envOutput); s != "" {
		var v outputValue
		if err := v.Set(s); err != nil {
			return "", usageErrorf("invalid --output / %s: %v", envOutput, err)
		}
		return string(v), nil
	}
	if a.terminal(a.stdout) {
		return outputTable, nil
	}
	return outputJSON, nil
}

// terminal reports whether w is a terminal.
func (a *app) terminal(w io.Writer) bool {
	return a.isTerminal != nil && a.isTerminal(w)
}

// outputValue is a pflag.Value for --output: json or table. "" means
// unset (the default depends on stdout).
type outputValue string

func (v *outputValue) String() string { return string(*v) }
func (v *outputValue) Type() string   { return "json|table" }

func (v *outputValue) Set(s string) error {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case outputJSON:
		*v = outputJSON
	case outputTable:
		*v = outputTable
	default:
		return fmt.Errorf("want %s or %s", outputJSON, outputTable)
	}
	return nil
}

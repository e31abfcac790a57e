package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest/emulator"
)

// generatedGroupsSeed seeds the groups --groups adds, so that every run
// pages through the same IDs.
const generatedGroupsSeed = 2

// newEmulatorCmd returns "emulator": a local Tencent IM REST API server.
func newEmulatorCmd(a *app) *cobra.Command {
	var (
		addr       string
		sdkAppID   appIDValue
		key        string
		admins     []string
		seedFile   string
		groups     int
		rateLimits = onOffValue(true)
		faults     string
		limits     emulator.ServerConfig
	)
	cmd := &cobra.Command{
		Use:   "emulator --sdkappid N [--key K] [--addr 127.0.0.1:8080] [flags]",
		Short: "Serve a local, in-memory Tencent IM REST API",
		Long: `Serve a local, in-memory stand-in of the Tencent Cloud IM REST API for the
app --sdkappid, until interrupted. It checks every request against the OpenAPI
documents and answers the vendor's way (HTTP 200, ActionStatus and ErrorCode),
verifies UserSigs with the app's secret key (--key or $` + envSecretKey + `), and
accepts only the --admin accounts as identifier.

Its state comes from --seed, a JSON file in the API's own shapes:

  {"Accounts":[{"UserID":"alice","Profile":[{"Tag":"Tag_Profile_IM_Nick","Value":"Alice"}]},{"UserID":"bob"}],
   "Groups":[{"GroupId":"@TGS#1","Type":"Public"}],
   "Friends":{"alice":[{"To_Account":"bob","AddSource":"AddSource_Type_Web","GroupName":["work"]}]}}

Without --seed it serves the sample data of "timrest demo". --groups adds that
many generated groups, for paging.

It prints its base URL on stdout, then logs one line per call on stderr
(operation, identifier, code, duration; never the UserSig).

--faults injects faults, deterministically for a seed: comma-separated
seed=N, transient=P (the operation's transient error codes), 502=P (HTTP 502),
drop=P (closed connections), latency=D (added to every call), for example
"seed=1,transient=0.2,502=0.05,drop=0.01,latency=20ms".

The server guards itself against slow and idle clients: --read-timeout bounds
reading a request, body included (a slow body is cut off); --write-timeout
bounds a call from its headers to the end of its answer (the --faults latency
is added to both, so it delays answers without cutting them off);
--idle-timeout closes keep-alive connections that wait that long for their
next request; --max-header-bytes refuses larger headers (the URL included)
with HTTP 431; --max-conns serves that many connections at once, and further
clients wait, in the listener's backlog, until one closes.`,
		Example: `  TIM_SECRET_KEY=... timrest emulator --sdkappid 1400000000
  timrest emulator --sdkappid 1400000000 --seed seed.json --groups 20000 --rate-limits off`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if sdkAppID == 0 {
				id, err := sdkAppIDFromEnv(a)
				if err != nil {
					return err
				}
				sdkAppID = appIDValue(id)
			}
			if env := strings.TrimSpace(a.getenv(envAdmin)); env != "" && !cmd.Flags().Changed("admin") {
				admins = []string{env}
			}
			if key == "" {
				key = a.getenv(envSecretKey)
			}
			if key == "" {
				return usageErrorf("missing secret key: pass --key or set %s", envSecretKey)
			}
			if groups < 0 {
				return usageErrorf("invalid --groups %d: want 0 or more", groups)
			}
			if err := checkServerLimits(limits); err != nil {
				return err
			}
			f, err := emulator.ParseFaults(faults)
			if err != nil {
				return usageErrorf("invalid --faults: %s", strings.TrimPrefix(err.Error(), "emulator: faults: "))
			}
			seed, err := loadSeedFile(seedFile)
			if err != nil {
				return err
			}
			seed.Groups = addGeneratedGroups(seed.Groups, groups)
			logger := slog.New(slog.NewTextHandler(a.stderr, nil))
			emu, err := emulator.New(emulator.Config{
				SDKAppID:   uint64(sdkAppID),
				Key:        key,
				Admins:     admins,
				Seed:       seed,
				RateLimits: bool(rateLimits),
				Faults:     f,
				Now:        a.now,
				Logger:     logger,
			})
			if err != nil {
				return err
			}
			return serveEmulator(cmd.Context(), a, emu, addr, limits, logger, func(baseURL string) {
				logger.Info("serving", "url", baseURL, "sdkappid", uint64(sdkAppID), "admins", strings.Join(adminsOrDefault(admins), ","),
					"rate_limits", rateLimits.String(), "faults", f.String())
			})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fs.Var(&sdkAppID, "sdkappid", "the app's SDKAppID (required; default $"+envSDKAppID+")")
	fs.StringVar(&key, "key", "", "the app's secret key (default $"+envSecretKey+"; prefer the variable: command lines are visible to other users)")
	fs.StringSliceVar(&admins, "admin", []string{emulator.DefaultAdmin}, "app admin account(s) accepted as identifier (repeat or comma-separate; $"+envAdmin+" replaces the default)")
	fs.StringVar(&seedFile, "seed", "", "JSON seed file with Accounts, Groups and Friends (default: the demo's sample data)")
	fs.IntVar(&groups, "groups", 0, "add this many generated groups")
	fs.Var(&rateLimits, "rate-limits", "enforce the documented per-operation call rates: on or off")
	fs.StringVar(&faults, "faults", "off", `fault injection, e.g. "seed=1,transient=0.2,502=0.05,drop=0.01,latency=20ms"`)
	fs.DurationVar(&limits.ReadTimeout, "read-timeout", emulator.DefaultReadTimeout, "longest time to read a request, body included (plus the --faults latency)")
	fs.DurationVar(&limits.WriteTimeout, "write-timeout", emulator.DefaultWriteTimeout, "longest time from a request's headers to the end of its answer (plus the --faults latency)")
	fs.DurationVar(&limits.IdleTimeout, "idle-timeout", emulator.DefaultIdleTimeout, "close keep-alive connections idle this long")
	fs.IntVar(&limits.MaxHeaderBytes, "max-header-bytes", emulator.DefaultMaxHeaderBytes, "largest request headers, URL included (larger: HTTP 431)")
	fs.IntVar(&limits.MaxConns, "max-conns", emulator.DefaultMaxConns, "connections served at once; more wait until one closes")
	return cmd
}

// checkServerLimits refuses limits of 0 or less: each flag has a default
// and none may be turned off.
func checkServerLimits(l emulator.ServerConfig) error {
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"read-timeout", l.ReadTimeout}, {"write-timeout", l.WriteTimeout}, {"idle-timeout", l.IdleTimeout}} {
		if d.v <= 0 {
			return usageErrorf("invalid --%s %v: want a positive duration", d.flag, d.v)
		}
	}
	for _, n := range []struct {
		flag string
		v    int
	}{{"max-header-bytes", l.MaxHeaderBytes}, {"max-conns", l.MaxConns}} {
		if n.v <= 0 {
			return usageErrorf("invalid --%s %d: want a positive number", n.flag, n.v)
		}
	}
	return nil
}

// addGeneratedGroups appends n generated groups to groups, skipping IDs
// that groups has already.
func addGeneratedGroups(groups []emulator.Group, n int) []emulator.Group {
	if n == 0 {
		return groups
	}
	taken := make(map[string]bool, len(groups))
	for _, g := range groups {
		taken[g.GroupID] = true
	}
	added := 0
	for _, g := range emulator.GenerateGroups(n+len(groups), generatedGroupsSeed) {
		if added == n {
			break
		}
		if !taken[g.GroupID] {
			groups = append(groups, g)
			added++
		}
	}
	return groups
}

func adminsOrDefault(admins []string) []string {
	if len(admins) == 0 {
		return []string{emulator.DefaultAdmin}
	}
	return admins
}

// loadSeedFile reads the seed file path, or returns the sample data when
// path is empty.
func loadSeedFile(path string) (*emulator.Seed, error) {
	if path == "" {
		return emulator.SampleSeed(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read --seed: %w", err)
	}
	defer f.Close()
	s, err := emulator.LoadSeed(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// serveEmulator serves emu on addr with the limits of limits until ctx
// is done. It prints the base URL on stdout once it listens and calls
// started with it.
func serveEmulator(ctx context.Context, a *app, emu *emulator.Emulator, addr string, limits emulator.ServerConfig, logger *slog.Logger, started func(baseURL string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen: %w", err)
	}
	baseURL := "http://" + ln.Addr().String()
	if _, err := fmt.Fprintln(a.stdout, baseURL); err != nil {
		ln.Close()
		return err
	}
	started(baseURL)
	limits.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	if err := emulator.Serve(ctx, ln, emu, limits); err != nil {
		return fmt.Errorf("server stopped: %w", err)
	}
	logger.Info("stopped", "url", baseURL)
	return nil
}

// onOffValue is a pflag.Value for a switch written "on" or "off" (also
// true/false, yes/no, 1/0).
type onOffValue bool

func (v *onOffValue) String() string {
	if *v {
		return "on"
	}
	return "off"
}

func (v *onOffValue) Type() string { return "on|off" }

func (v *onOffValue) Set(s string) error {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "true", "yes", "1":
		*v = true
	case "off", "false", "no", "0":
		*v = false
	default:
		return errors.New("want on or off")
	}
	return nil
}

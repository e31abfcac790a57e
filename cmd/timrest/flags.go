package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// This file holds flags shared by commands, and flag value types. pflag
// reports a value's Set error as
//
//	invalid argument "x" for "--flag" flag: <error>
//
// so the errors below need not name the flag. No value type here may hold
// a secret: the value is repeated in that message.

// credFlags are the flags that identify an app and sign for one of its
// users: --sdkappid, --key (or TIM_SECRET_KEY) and --user.
type credFlags struct {
	sdkAppID appIDValue
	key      string
	user     string
}

// register adds the flags to fs. userUsage describes --user for the
// command at hand.
func (f *credFlags) register(fs *pflag.FlagSet, userUsage string) {
	fs.Var(&f.sdkAppID, "sdkappid", "the app's SDKAppID (required; default $"+envSDKAppID+")")
	fs.StringVar(&f.key, "key", "", "the app's secret key (default $"+envSecretKey+"; prefer the variable: command lines are visible to other users)")
	fs.StringVar(&f.user, "user", "", userUsage+" (required)")
}

// credentials are resolved credFlags.
type credentials struct {
	sdkAppID uint64
	key      string
	user     string
}

// resolve checks the flags, takes the key from the environment when
// --key is absent, and returns the credentials or a usage error naming the
// missing flag.
func (f *credFlags) resolve(a *app) (credentials, error) {
	c := credentials{sdkAppID: uint64(f.sdkAppID), key: f.key, user: f.user}
	if c.sdkAppID == 0 {
		id, err := sdkAppIDFromEnv(a)
		if err != nil {
			return credentials{}, err
		}
		c.sdkAppID = id
	}
	if c.key == "" {
		c.key = a.getenv(envSecretKey)
	}
	if c.key == "" {
		return credentials{}, usageErrorf("missing secret key: pass --key or set %s", envSecretKey)
	}
	if c.user == "" {
		return credentials{}, usageErrorf("missing --user")
	}
	return c, nil
}

// sdkAppIDFromEnv returns the SDKAppID of $TIM_SDKAPPID, for a command
// whose --sdkappid is absent; a usage error naming the flag and the
// variable when it is unset or invalid.
func sdkAppIDFromEnv(a *app) (uint64, error) {
	s := strings.TrimSpace(a.getenv(envSDKAppID))
	if s == "" {
		return 0, usageErrorf("missing --sdkappid (the app's SDKAppID): pass it or set %s", envSDKAppID)
	}
	var v appIDValue
	if err := v.Set(s); err != nil {
		return 0, usageErrorf("invalid %s: %v (or pass --sdkappid)", envSDKAppID, err)
	}
	return uint64(v), nil
}

// appIDValue is a pflag.Value for an SDKAppID: a positive decimal integer.
// Zero means unset.
type appIDValue uint64

func (v *appIDValue) String() string { return strconv.FormatUint(uint64(*v), 10) }
func (v *appIDValue) Type() string   { return "id" }

func (v *appIDValue) Set(s string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || n == 0 {
		return errors.New("want a positive decimal integer")
	}
	*v = appIDValue(n)
	return nil
}

// ttlValue is a pflag.Value for a validity period: a Go duration ("24h",
// "90m") or a whole number of days ("180d"), at least one second and in
// whole seconds, the unit of a UserSig's TLS.expire.
type ttlValue time.Duration

func (v *ttlValue) String() string { return formatTTL(time.Duration(*v)) }
func (v *ttlValue) Type() string   { return "duration" }

func (v *ttlValue) Set(s string) error {
	d, err := parseTTL(strings.TrimSpace(s))
	if err != nil {
		return err
	}
	*v = ttlValue(d)
	return nil
}

const (
	day     = 24 * time.Hour
	maxDays = int64(1<<63-1) / int64(day)
)

func parseTTL(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok && days != "" && !strings.ContainsAny(days, "hmsunµ.") {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n > maxDays || n < -maxDays {
			return 0, errors.New(`want a duration such as "24h", "90m" or "180d"`)
		}
		d = time.Duration(n) * day
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, errors.New(`want a duration such as "24h", "90m" or "180d"`)
		}
	}
	switch {
	case d < time.Second:
		return 0, errors.New("want at least 1s")
	case d%time.Second != 0:
		return 0, errors.New("want whole seconds")
	}
	return d, nil
}

// formatTTL writes d the way parseTTL reads it, briefly: "180d", "24h",
// "1h30m".
func formatTTL(d time.Duration) string {
	if d >= day && d%day == 0 && d != day {
		return fmt.Sprintf("%dd", d/day)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

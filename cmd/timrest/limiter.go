package main

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9/logging"
	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/redislimit"
)

// envLimiter is the variable of --limiter.
const envLimiter = "TIM_LIMITER"

// limiterUsage is the help of --limiter.
const limiterUsage = "share the app's call budget with the other processes that name the same Redis: " +
	"redis://[:password@]host:port/db, rediss://... or unix:///path/redis.sock?db=N (default $" + envLimiter + "; prefer the variable when the URL holds a password)"

// limiterCheckTimeout bounds the exchange with Redis at start.
const limiterCheckTimeout = time.Second

// limiterOption returns the client option of --limiter / TIM_LIMITER: a
// rate limiter shared through Redis (redislimit) for the app sdkAppID,
// logging on stderr; nil when neither is set. A URL it cannot use, and a
// Redis that refuses it for a reason that does not pass by itself (a
// wrong password or user, a database out of range, a missing
// permission), are usage errors that repeat no part of the URL; a Redis
// that cannot be reached is not: the limiter falls back and says so.
func (a *app) limiterOption(cmd *cobra.Command, sdkAppID uint64) (timrest.Option, error) {
	raw := a.setting(cmd, "limiter", envLimiter)
	if raw == "" {
		return nil, nil
	}
	// A last resort: the limiter's messages never hold the URL's user
	// name or password; the error line's redaction (of secrets long
	// enough not to be common words) covers what it does not know of.
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		pw, _ := u.User.Password()
		for _, s := range []string{u.User.Username(), pw} {
			if s != "" {
				a.secrets = append(a.secrets, s)
			}
		}
	}
	// go-redis logs its own lines (failed dials, ...) on stderr; the
	// limiter logs what a user needs: Redis unreachable, Redis back.
	logging.Disable()
	lim, err := redislimit.NewFromURL(raw, sdkAppID, redislimit.WithLogger(slog.New(slog.NewTextHandler(a.stderr, nil))))
	if err != nil {
		return nil, usageErrorf("invalid --limiter / %s: %s", envLimiter, strings.TrimPrefix(err.Error(), "redislimit: "))
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, limiterCheckTimeout)
	defer cancel()
	if err := lim.Check(ctx); err != nil {
		if re, ok := errors.AsType[*redislimit.RefusedError](err); ok && re.Config {
			lim.Close()
			return nil, usageErrorf("invalid --limiter / %s: %s", envLimiter, re.Error())
		}
	}
	return timrest.WithRateLimiter(lim), nil
}

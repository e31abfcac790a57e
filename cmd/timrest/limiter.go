package main

import (
	"log/slog"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9/logging"
	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/redislimit"
)

// envLimiter is the variable of --limiter.
const envLimiter = "TIM_LIMITER"

// limiterUsage is the help of --limiter.
const limiterUsage = "share the app's call budget with the other processes that name the same Redis: " +
	"redis://[:password@]host:port/db or rediss://... (default $" + envLimiter + "; prefer the variable when the URL holds a password)"

// limiterOption returns the client option of --limiter / TIM_LIMITER: a
// rate limiter shared through Redis (redislimit) for the app sdkAppID,
// logging on stderr; nil when neither is set. A URL it cannot use is a
// usage error that repeats neither the URL nor its password.
func (a *app) limiterOption(cmd *cobra.Command, sdkAppID uint64) (timrest.Option, error) {
	raw := a.setting(cmd, "limiter", envLimiter)
	if raw == "" {
		return nil, nil
	}
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			a.secrets = append(a.secrets, pw, u.User.String())
		}
	}
	// go-redis logs its own lines (failed dials, ...) on stderr; the
	// limiter logs what a user needs: Redis unreachable, Redis back.
	logging.Disable()
	lim, err := redislimit.NewFromURL(raw, sdkAppID, redislimit.WithLogger(slog.New(slog.NewTextHandler(a.stderr, nil))))
	if err != nil {
		return nil, usageErrorf("invalid --limiter / %s: %s", envLimiter, strings.TrimPrefix(err.Error(), "redislimit: "))
	}
	return timrest.WithRateLimiter(lim), nil
}

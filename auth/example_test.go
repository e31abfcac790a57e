package auth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/timrest/timrest/auth"
)

// A fake key, for the examples only.
const exampleKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"

func ExampleGenUserSigAt() {
	issued := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	userSig, err := auth.GenUserSigAt(1400000000, exampleKey, "administrator", 24*time.Hour, issued)
	if err != nil {
		panic(err)
	}
	c, err := auth.VerifyUserSig(userSig, 1400000000, exampleKey, "administrator", issued.Add(time.Hour))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Identifier, c.SDKAppID, c.TTL)
	fmt.Println("expires at", c.ExpiresAt())
	// Output:
	// administrator 1400000000 24h0m0s
	// expires at 2026-01-02 00:00:00 +0000 UTC
}

func ExampleVerifyUserSig() {
	issued := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	userSig, _ := auth.GenUserSigAt(1400000000, exampleKey, "user1", time.Hour, issued)

	_, err := auth.VerifyUserSig(userSig, 1400000000, exampleKey, "user1", issued.Add(2*time.Hour))
	fmt.Println(errors.Is(err, auth.ErrExpired))
	fmt.Println(err)

	_, err = auth.VerifyUserSig(userSig, 1400000000, exampleKey, "user2", issued)
	fmt.Println(errors.Is(err, auth.ErrIdentifierMismatch))
	// Output:
	// true
	// auth: UserSig expired: expired at 2026-01-01T01:00:00Z, now 2026-01-01T02:00:00Z
	// true
}

func ExampleSigner_Edit() {
	signer, err := auth.NewSigner(1400000000, exampleKey, "administrator",
		auth.WithClock(func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }),
		auth.WithRandom(bytes.NewReader([]byte{0xde, 0xad, 0xbe, 0xef})), // reproducible for the example
	)
	if err != nil {
		panic(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "https://adminapisgp.im.qcloud.com/v4/im_open_login_svc/account_import", nil)
	if err := signer.Edit(context.Background(), req); err != nil {
		panic(err)
	}
	q := req.URL.Query()
	for _, name := range []string{"sdkappid", "identifier", "random", "contenttype"} {
		fmt.Printf("%s=%s\n", name, q.Get(name))
	}
	userSig, _ := signer.UserSig()
	fmt.Println("usersig is the cached UserSig:", q.Get("usersig") == userSig)
	fmt.Println(signer)
	// Output:
	// sdkappid=1400000000
	// identifier=administrator
	// random=3735928559
	// contenttype=json
	// usersig is the cached UserSig: true
	// auth.Signer{sdkappid: 1400000000, identifier: "administrator", key: [REDACTED]}
}

func ExampleNewSigner() {
	signer, err := auth.NewSigner(1400000000, exampleKey, "administrator",
		auth.WithTTL(7*24*time.Hour),       // each UserSig is valid for a week
		auth.WithRenewBefore(24*time.Hour), // and is replaced a day before it expires
	)
	if err != nil {
		panic(err)
	}
	userSig, err := signer.UserSig()
	if err != nil {
		panic(err)
	}
	_, err = auth.VerifyUserSig(userSig, signer.SDKAppID(), exampleKey, signer.Identifier(), time.Now())
	fmt.Println(err)
	// Output:
	// <nil>
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	r := cli{}.run(t, "demo")
	if r.Code != exitOK {
		t.Fatalf("exit %d, stderr %q\nstdout:\n%s", r.Code, r.Stderr, r.Stdout)
	}
	for _, want := range []string{
		"Emulator with sample data at http://127.0.0.1:",
		// 1. accounts: 13 requests of at most 100; the long UserID refused, named.
		"1201 of 1202 accounts imported in 13 requests",
		`failed: item 1201 of request 0 (xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx): timrest: ImportAccounts: AccountList[1201].UserID`,
		"account_check erin      Imported",
		"account_check nobody    NotImported",
		// 2. profiles: set, refused before sending, read back with the typed readers.
		"erin: set Tag_Profile_IM_Gender, Tag_Profile_IM_AllowType, Tag_Profile_IM_Level, Tag_Profile_Custom_Hobby",
		"user0002: refused: timrest: SetProfile: ProfileItem[0].Value: is 501 bytes, want at most 500",
		`erin     Nick "Erin", Gender "Gender_Type_Female", Level 12, Location "", Image "https://example.com/erin.png", Hobby "climbing"`,
		`user0001 Nick "User 1", Gender "", Level 0, Location "Lisbon"`,
		// 3. friends into lists: 1201 of erin's items in 2 requests, 2 reverse.
		"1202 of 1203 relations imported in 4 requests",
		`(ghost): timrest: ImportFriends: To_Account "ghost": error 30003`,
		"list work      120 friend(s)  user0010, user0020, user0030 and 117 more",
		"CurrentSequence 2",
		// 4. relations.
		"friend_check erin - user0001 CheckResult_Type_BothWay",
		"friend_check erin - user0003 CheckResult_Type_AWithB",
		"friend_check erin - bob      CheckResult_Type_NoRelation",
		// 5. blocking ends the friendship.
		"friend_check erin - user0002 CheckResult_Type_NoRelation",
		"black_list_check erin - user0002 BlackCheckResult_Type_AWithB",
		"black_list_get: user0002, blocked at ",
		// 6. paging.
		"page 1: 500 friends (user0001 .. user0501), NextStartIndex 500, CompleteFlag 0",
		"page 3: 199 friends (user1002 .. user1200), NextStartIndex 0, CompleteFlag 1",
		"1199 friends in all (FriendNum 1199)",
		"first friend user0001: lists climbing, close, AddSource AddSource_Type_Migrate",
		"25 group IDs",
		"(0 by example only)",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, "usersig=") || r.Stderr != "" {
		t.Errorf("unexpected output: stderr %q", r.Stderr)
	}
}

// TestDemoInterruptedLeaksNoUserSig: an interrupted demo (Ctrl-C cancels
// the context) fails on an HTTP call whose *url.Error carries the signed
// URL; the error line must not show the query.
func TestDemoInterruptedLeaksNoUserSig(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(string) string { return "" }, now: time.Now}
	if code := a.execute(ctx, []string{"demo"}); code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitFailure, stderr.String())
	}
	if !strings.Contains(stderr.String(), "context canceled") {
		t.Errorf("stderr %q does not say why", stderr.String())
	}
	// The only usersig= shown is the redacted one.
	if strings.Count(stderr.String(), "usersig=") != strings.Count(stderr.String(), "usersig=REDACTED") ||
		strings.Contains(stdout.String(), "usersig=") {
		t.Errorf("the UserSig leaked: stderr %q", stderr.String())
	}
}

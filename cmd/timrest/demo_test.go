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
	began := time.Now()
	r := cli{}.run(t, "demo")
	if r.Code != exitOK {
		t.Fatalf("exit %d, stderr %q\nstdout:\n%s", r.Code, r.Stderr, r.Stdout)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("the demo took %v", d)
	}
	for _, want := range []string{
		"Emulator with sample data at http://127.0.0.1:",
		"== v4/sns/group_get",
		"work    2 friend(s)  bob, carol",
		"Tag_SNS_IM_Group          [work]            (array of strings)",
		"Tag_Profile_IM_Level      7                 (integer)",
		"dave: ResultCode 30001, Err_SNS_FriendGetList_Friend_Not_Exist",
		"page 1: 10 IDs",
		"TotalCount 25, Next 4294967306",
		"25 IDs in all",
		"GroupType=Public: TotalCount 7",
		"ghost  ResultCode 30003  Err_SNS_FriendImport_Account_Not_Exist",
		"oncall  1 friend(s)  dave",
		"CurrentSequence 2",
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

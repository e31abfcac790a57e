package regions

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// This file is the single source of the region data: codes, names, hosts
// and aliases. The OpenAPI document's servers list repeats the hosts and a
// test checks that the two agree.

// The data centers of the IM REST API. Outside China the code is the tag
// in the vendor's host names.
var (
	// China is the Chinese mainland data center (code "cn"; its hosts
	// carry no region tag, the code is this package's choice).
	China = Region{code: "cn", name: "China", host: "console.tim.qq.com", backupHost: "adminapi.my-imcloud.com"}

	// Singapore is the Singapore data center (code "sgp").
	Singapore = Region{code: "sgp", name: "Singapore", host: "adminapisgp.im.qcloud.com", backupHost: "adminapisgp.my-imcloud.com"}

	// Seoul is the Seoul (South Korea) data center (code "kr").
	Seoul = Region{code: "kr", name: "Seoul", host: "adminapikr.im.qcloud.com", backupHost: "adminapikr.my-imcloud.com"}

	// Tokyo is the Tokyo (Japan) data center (code "jpn").
	Tokyo = Region{code: "jpn", name: "Tokyo", host: "adminapijpn.im.qcloud.com", backupHost: "adminapijpn.my-imcloud.com"}

	// Frankfurt is the Frankfurt (Germany) data center (code "ger").
	Frankfurt = Region{code: "ger", name: "Frankfurt", host: "adminapiger.im.qcloud.com", backupHost: "adminapiger.my-imcloud.com"}

	// Mumbai is the Mumbai (India) data center (code "ind").
	Mumbai = Region{code: "ind", name: "Mumbai (India)", host: "adminapiind.im.qcloud.com", backupHost: "adminapiind.my-imcloud.com"}

	// SiliconValley is the Silicon Valley (United States) data center
	// (code "usa").
	SiliconValley = Region{code: "usa", name: "Silicon Valley", host: "adminapiusa.im.qcloud.com", backupHost: "adminapiusa.my-imcloud.com"}

	// Jakarta is the Jakarta (Indonesia) data center (code "idn").
	Jakarta = Region{code: "idn", name: "Jakarta", host: "adminapiidn.im.qcloud.com", backupHost: "adminapiidn.my-imcloud.com"}
)

// all is the order All returns.
var all = [...]Region{China, Singapore, Seoul, Tokyo, Frankfurt, Mumbai, SiliconValley, Jakarta}

// aliases maps further names, in normalized form (see normalize), to a
// region's code. Codes and display names need no entry. ISO 3166-1 alpha-2
// and alpha-3 country codes are included; the vendor's codes mostly
// coincide with alpha-3 (not kr, ger).
var aliases = map[string]string{
	"mainland":      "cn",
	"mainlandchina": "cn",
	"chn":           "cn",

	"sg": "sgp",

	"korea":      "kr",
	"southkorea": "kr",
	"kor":        "kr",

	"japan": "jpn",
	"jp":    "jpn",

	"germany": "ger",
	"de":      "ger",
	"deu":     "ger",

	"mumbai": "ind",
	"india":  "ind",
	"in":     "ind",

	"us":           "usa",
	"unitedstates": "usa",

	"indonesia": "idn",
	"id":        "idn",
}

// ErrUnknownRegion is wrapped by the error Lookup and UnmarshalText return
// for a name that matches no region. Test for it with errors.Is.
var ErrUnknownRegion = errors.New("regions: unknown region")

// Region is one data center of the IM REST API. It is a comparable value:
// compare regions with ==. The zero Region is no region (see IsZero); the
// only valid regions are the package's variables, as listed by All and
// found by Lookup.
type Region struct {
	code       string
	name       string
	host       string
	backupHost string
}

// All returns every region, in a stable order: China, Singapore, Seoul,
// Tokyo, Frankfurt, Mumbai, SiliconValley, Jakarta. The slice is a fresh
// copy the caller may modify.
func All() []Region {
	out := make([]Region, len(all))
	copy(out, all[:])
	return out
}

// index maps every accepted normalized name to its region.
var index = buildIndex()

func buildIndex() map[string]Region {
	byCode := make(map[string]Region, len(all))
	m := make(map[string]Region, 3*len(all)+len(aliases))
	add := func(name string, r Region) {
		key := normalize(name)
		if prev, ok := m[key]; ok && prev != r {
			panic(fmt.Sprintf("regions: name %q used by both %s and %s", key, prev.code, r.code))
		}
		m[key] = r
	}
	for _, r := range all {
		byCode[r.code] = r
		add(r.code, r)
		add(r.name, r)
	}
	for alias, code := range aliases {
		r, ok := byCode[code]
		if !ok {
			panic(fmt.Sprintf("regions: alias %q names unknown code %q", alias, code))
		}
		add(alias, r)
	}
	return m
}

// normalize folds a name for matching: lower case, with white space,
// hyphens, underscores and parentheses removed.
func normalize(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '-', r == '_', r == '(', r == ')':
			return -1
		}
		return unicode.ToLower(r)
	}, name)
}

// codeList is the valid codes in All order, for error messages.
func codeList() string {
	codes := make([]string, len(all))
	for i, r := range all {
		codes[i] = r.code
	}
	return strings.Join(codes, ", ")
}

// Lookup returns the region with the given code, display name or alias.
// Matching ignores case, leading and trailing space, and spaces, hyphens,
// underscores and parentheses within the name: "sgp", "Singapore",
// "silicon-valley", "SiliconValley", "india" and "Mumbai (India)" are all
// accepted. For an unknown name it returns the zero Region and an error
// that quotes the name, lists the valid codes and wraps ErrUnknownRegion.
func Lookup(name string) (Region, error) {
	if r, ok := index[normalize(name)]; ok {
		return r, nil
	}
	return Region{}, fmt.Errorf("%w %q (valid codes: %s)", ErrUnknownRegion, name, codeList())
}

// Code returns the region's short code: the vendor's host tag ("sgp",
// "kr", "jpn", "ger", "ind", "usa", "idn"), or "cn" for China.
func (r Region) Code() string { return r.code }

// Name returns the region's display name, such as "Singapore" or
// "Silicon Valley".
func (r Region) Name() string { return r.name }

// Host returns the region's primary host name, such as
// "adminapisgp.im.qcloud.com".
func (r Region) Host() string { return r.host }

// BackupHost returns the host name the vendor provides for when the
// primary host cannot be resolved, such as "adminapisgp.my-imcloud.com".
// It serves the same data center as Host.
func (r Region) BackupHost() string { return r.backupHost }

// BaseURL returns the base URL of the region's primary host:
// "https://" followed by Host, with no trailing slash. It returns "" for
// the zero Region.
func (r Region) BaseURL() string { return baseURL(r.host) }

// BackupBaseURL returns the base URL of the region's backup host:
// "https://" followed by BackupHost, with no trailing slash. It returns ""
// for the zero Region.
func (r Region) BackupBaseURL() string { return baseURL(r.backupHost) }

func baseURL(host string) string {
	if host == "" {
		return ""
	}
	return "https://" + host
}

// IsZero reports whether r is the zero Region, which names no region.
func (r Region) IsZero() bool { return r == Region{} }

// String returns the region's code, which Lookup accepts back. It returns
// "" for the zero Region.
func (r Region) String() string { return r.code }

// MarshalText implements encoding.TextMarshaler. It returns the region's
// code, or empty text for the zero Region.
func (r Region) MarshalText() ([]byte, error) { return []byte(r.code), nil }

// UnmarshalText implements encoding.TextUnmarshaler. It accepts every name
// Lookup accepts; other text, empty text included, gives an error that
// wraps ErrUnknownRegion and leaves r unchanged.
func (r *Region) UnmarshalText(text []byte) error {
	found, err := Lookup(string(text))
	if err != nil {
		return err
	}
	*r = found
	return nil
}

package regions_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/regions"
)

// want is the expected data of every region, in All order: the hosts the
// vendor's pages list (see the servers of openapi/timrest.yaml).
var want = []struct {
	region     regions.Region
	code       string
	name       string
	host       string
	backupHost string
	aliases    []string
}{
	{regions.China, "cn", "China", "console.tim.qq.com", "adminapi.my-imcloud.com",
		[]string{"china", "mainland", "mainland china", "mainland-china", "CHN"}},
	{regions.Singapore, "sgp", "Singapore", "adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com",
		[]string{"singapore", "sg", "SG"}},
	{regions.Seoul, "kr", "Seoul", "adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com",
		[]string{"seoul", "korea", "South Korea", "south_korea", "kor"}},
	{regions.Tokyo, "jpn", "Tokyo", "adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com",
		[]string{"tokyo", "japan", "jp"}},
	{regions.Frankfurt, "ger", "Frankfurt", "adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com",
		[]string{"frankfurt", "germany", "de", "deu"}},
	{regions.Mumbai, "ind", "Mumbai (India)", "adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com",
		[]string{"mumbai", "india", "in", "Mumbai (India)", "mumbai-india", "mumbai_india", "mumbaiindia"}},
	{regions.SiliconValley, "usa", "Silicon Valley", "adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com",
		[]string{"silicon valley", "silicon-valley", "silicon_valley", "siliconvalley", "SiliconValley",
			"SILICON VALLEY", "us", "US", "usa", "united states", "United-States"}},
	{regions.Jakarta, "idn", "Jakarta", "adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com",
		[]string{"jakarta", "indonesia", "id"}},
}

func TestAccessors(t *testing.T) {
	t.Parallel()
	type data struct{ Code, Name, Host, BackupHost, String string }
	for _, w := range want {
		t.Run(w.code, func(t *testing.T) {
			t.Parallel()
			r := w.region
			got := data{r.Code(), r.Name(), r.Host(), r.BackupHost(), r.String()}
			exp := data{w.code, w.name, w.host, w.backupHost, w.code}
			if diff := cmp.Diff(exp, got); diff != "" {
				t.Errorf("region data mismatch (-want +got):\n%s", diff)
			}
			if r.IsZero() {
				t.Errorf("%s.IsZero() = true", w.code)
			}
		})
	}
}

func TestAllOrderAndCopy(t *testing.T) {
	t.Parallel()
	var exp []regions.Region
	for _, w := range want {
		exp = append(exp, w.region)
	}
	got := regions.All()
	if diff := cmp.Diff(exp, got, cmp.Comparer(func(a, b regions.Region) bool { return a == b })); diff != "" {
		t.Fatalf("All() mismatch (-want +got):\n%s", diff)
	}
	got[0] = regions.Region{}
	if again := regions.All(); again[0] != regions.China {
		t.Errorf("modifying the result of All changed the next result: %v", again[0])
	}
}

func TestUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, r := range regions.All() {
		for _, v := range []string{r.Code(), strings.ToLower(r.Name()), r.Host(), r.BackupHost()} {
			if prev, ok := seen[v]; ok {
				t.Errorf("%q used by both %s and %s", v, prev, r.Code())
			}
			seen[v] = r.Code()
		}
	}
}

// TestHostTags checks that outside China the code is the tag in the
// vendor's host names.
func TestHostTags(t *testing.T) {
	t.Parallel()
	for _, r := range regions.All() {
		if r == regions.China {
			continue
		}
		if got, exp := r.Host(), "adminapi"+r.Code()+".im.qcloud.com"; got != exp {
			t.Errorf("%s: Host() = %q, want %q", r.Code(), got, exp)
		}
		if got, exp := r.BackupHost(), "adminapi"+r.Code()+".my-imcloud.com"; got != exp {
			t.Errorf("%s: BackupHost() = %q, want %q", r.Code(), got, exp)
		}
	}
}

func TestBaseURLs(t *testing.T) {
	t.Parallel()
	for _, w := range want {
		t.Run(w.code, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				what, raw, host string
			}{
				{"BaseURL", w.region.BaseURL(), w.host},
				{"BackupBaseURL", w.region.BackupBaseURL(), w.backupHost},
			} {
				if tc.raw != "https://"+tc.host {
					t.Errorf("%s() = %q, want %q", tc.what, tc.raw, "https://"+tc.host)
				}
				u, err := url.Parse(tc.raw)
				if err != nil {
					t.Fatalf("%s(): url.Parse(%q): %v", tc.what, tc.raw, err)
				}
				type shape struct {
					Scheme, Host, Path, RawQuery, Fragment string
					User                                   *url.Userinfo
				}
				got := shape{u.Scheme, u.Host, u.Path, u.RawQuery, u.Fragment, u.User}
				exp := shape{Scheme: "https", Host: tc.host}
				if diff := cmp.Diff(exp, got, cmp.AllowUnexported(url.Userinfo{})); diff != "" {
					t.Errorf("%s() = %q: shape mismatch (-want +got):\n%s", tc.what, tc.raw, diff)
				}
				if strings.HasSuffix(tc.raw, "/") {
					t.Errorf("%s() = %q has a trailing slash", tc.what, tc.raw)
				}
			}
		})
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for _, w := range want {
		names := []string{
			w.code,
			strings.ToUpper(w.code),
			"  " + w.code + "\t\n",
			w.name,
			strings.ToLower(w.name),
			strings.ToUpper(w.name),
			" " + w.name + " ",
		}
		names = append(names, w.aliases...)
		for _, name := range names {
			t.Run(w.code+"/"+name, func(t *testing.T) {
				t.Parallel()
				got, err := regions.Lookup(name)
				if err != nil {
					t.Fatalf("Lookup(%q): %v", name, err)
				}
				if got != w.region {
					t.Errorf("Lookup(%q) = %v, want %v", name, got, w.region)
				}
			})
		}
	}
}

func TestLookupRoundTrip(t *testing.T) {
	t.Parallel()
	for _, r := range regions.All() {
		for _, name := range []string{r.String(), r.Code(), r.Name()} {
			got, err := regions.Lookup(name)
			if err != nil || got != r {
				t.Errorf("Lookup(%q) = %v, %v; want %v, nil", name, got, err, r)
			}
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"", "   ", "mars", "eu", "europe", "hongkong", "sgp1", "s g p x",
		"adminapisgp.im.qcloud.com", "https://adminapisgp.im.qcloud.com",
		"silicon.valley", "mumbai/india", "zero",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := regions.Lookup(name)
			if err == nil {
				t.Fatalf("Lookup(%q) = %v, nil; want an error", name, got)
			}
			if !got.IsZero() {
				t.Errorf("Lookup(%q) returned non-zero region %v with its error", name, got)
			}
			if !errors.Is(err, regions.ErrUnknownRegion) {
				t.Errorf("Lookup(%q) error %q does not wrap ErrUnknownRegion", name, err)
			}
			msg := err.Error()
			for _, part := range []string{`"` + name + `"`, "cn, sgp, kr, jpn, ger, ind, usa, idn"} {
				if !strings.Contains(msg, part) {
					t.Errorf("Lookup(%q) error %q does not contain %q", name, msg, part)
				}
			}
		})
	}
}

func TestZero(t *testing.T) {
	t.Parallel()
	var z regions.Region
	got := []string{z.Code(), z.Name(), z.Host(), z.BackupHost(), z.BaseURL(), z.BackupBaseURL(), z.String()}
	if diff := cmp.Diff(make([]string, len(got)), got); diff != "" {
		t.Errorf("zero Region accessors (-want +got):\n%s", diff)
	}
	if !z.IsZero() {
		t.Error("zero Region: IsZero() = false")
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	type config struct {
		Region regions.Region `json:"region"`
	}
	for _, r := range regions.All() {
		b, err := json.Marshal(config{r})
		if err != nil {
			t.Fatalf("Marshal(%v): %v", r, err)
		}
		if got, exp := string(b), `{"region":"`+r.Code()+`"}`; got != exp {
			t.Errorf("Marshal(%v) = %s, want %s", r, got, exp)
		}
		var back config
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if back.Region != r {
			t.Errorf("Unmarshal(%s) = %v, want %v", b, back.Region, r)
		}
	}

	byName := config{}
	if err := json.Unmarshal([]byte(`{"region":"Silicon Valley"}`), &byName); err != nil || byName.Region != regions.SiliconValley {
		t.Errorf("Unmarshal by name = %v, %v; want %v, nil", byName.Region, err, regions.SiliconValley)
	}

	r := regions.Tokyo
	if err := r.UnmarshalText([]byte("atlantis")); !errors.Is(err, regions.ErrUnknownRegion) {
		t.Errorf("UnmarshalText(atlantis) error = %v, want ErrUnknownRegion", err)
	}
	if r != regions.Tokyo {
		t.Errorf("failed UnmarshalText changed the region to %v", r)
	}
	if err := r.UnmarshalText(nil); !errors.Is(err, regions.ErrUnknownRegion) {
		t.Errorf("UnmarshalText(empty) error = %v, want ErrUnknownRegion", err)
	}
}

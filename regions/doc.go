// Package regions lists the data centers of the Tencent Cloud IM (Chat)
// server REST API as typed values.
//
// An IM app lives in exactly one data center, chosen when the app is
// created in the console. Every REST call must go to that data center's
// host: calling another one is answered with error 60026 (host does not
// match the app's data center) or 70020 (SDKAppID not found). A Region
// names one data center and carries its two hosts:
//
//   - the primary host, e.g. adminapisgp.im.qcloud.com, which callers
//     normally use;
//   - the backup host, e.g. adminapisgp.my-imcloud.com, which the vendor
//     provides for when the primary name cannot be resolved (DNS trouble).
//     It serves the same data center; it is not a different region.
//
// The eight regions are China, Singapore, Seoul, Tokyo, Frankfurt, Mumbai,
// SiliconValley and Jakarta; [All] returns them in that order.
//
// # Codes
//
// Each region has a short code. Outside China it is the tag the vendor
// puts in the host names (adminapi<tag>.im.qcloud.com): sgp, kr, jpn, ger,
// ind, usa and idn. The China hosts carry no tag; its code is "cn", chosen
// by this package. A region's String and MarshalText return its code, and
// [Lookup] accepts it back, so a Region round-trips through flags,
// environment variables and configuration files.
//
// # Lookup
//
// [Lookup] finds a region by code, by display name or by a common alias
// ("india", "germany", "japan", "korea", "indonesia", "us", "mainland",
// ISO 3166 country codes, ...). Matching ignores case, leading and
// trailing space, and spaces, hyphens, underscores and parentheses inside
// the name, so "Silicon Valley", "silicon-valley" and "SiliconValley" all
// name the same region. An unknown name gives an error that wraps
// [ErrUnknownRegion] and lists the valid codes.
//
// # Vendor documentation
//
// The host list follows the vendor's REST API overview. Some recent
// versions of those pages omit Mumbai, and older ones omit Tokyo; both
// data centers are listed here.
package regions

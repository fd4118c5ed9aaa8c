package dbplane

import (
	"net/netip"
	"strings"
)

// MaxAllowedIPs bounds how many ranges a key may be limited to.
const MaxAllowedIPs = 50

// ErrKeyIPNotAllowed is a key used from an address outside its allowed
// ranges (APIKey.AllowedIPs).
var ErrKeyIPNotAllowed = &Error{Code: CodeUnauthenticated, Message: "This API key may not be used from this address"}

// ParseAllowedIPs reads a key's allowedIps: each entry a CIDR such as
// 10.0.0.0/8 or 2001:db8::/32, or a single address (a /32 or /128). It
// refuses a range with host bits set (10.0.0.5/8: the caller surely meant
// something else), zones, duplicates and more than MaxAllowedIPs entries;
// the error names field. IPv4-mapped IPv6 addresses read as IPv4. The
// result is canonical (Prefix.String reads back to the same prefix); nil
// or empty means any address. It is the one parser of allowed ranges:
// every surface and the CLI call it at the edge.
func ParseAllowedIPs(field string, entries []string) ([]netip.Prefix, error) {
	if len(entries) > MaxAllowedIPs {
		return nil, FieldErrorf(field, "A key may be limited to at most %d addresses or ranges.", MaxAllowedIPs)
	}
	out := make([]netip.Prefix, 0, len(entries))
	for _, e := range entries {
		p, err := parseAllowedIP(e)
		if err != nil {
			return nil, FieldErrorf(field, "%s", err.Error())
		}
		for _, q := range out {
			if q == p {
				return nil, FieldErrorf(field, "The range %s is listed twice.", p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

type ipError string

func (e ipError) Error() string { return string(e) }

func parseAllowedIP(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Prefix{}, ipError("An allowed address must not be empty.")
	}
	// Quote nothing back but what a well-formed entry holds: the text may
	// be anything, and it ends up in an error a client reads.
	const bad = "Each allowed address must be an IP address or a CIDR range such as 10.0.0.0/8 or 2001:db8::/32."
	if len(s) > 64 || strings.Contains(s, "%") {
		return netip.Prefix{}, ipError(bad)
	}
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, ipError(bad)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, ipError(bad)
	}
	if a := p.Addr(); a.Is4In6() {
		bits := p.Bits() - 96
		if bits < 0 {
			return netip.Prefix{}, ipError(bad)
		}
		p = netip.PrefixFrom(a.Unmap(), bits)
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, ipError("The range " + p.String() + " has bits set past its prefix length; did you mean " + m.String() + "?")
	}
	return p, nil
}

// FormatAllowedIPs writes ranges as strings: a single address without its
// /32 or /128, a range as a CIDR. ParseAllowedIPs reads them back.
func FormatAllowedIPs(ps []netip.Prefix) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if p.IsSingleIP() {
			out = append(out, p.Addr().String())
		} else {
			out = append(out, p.String())
		}
	}
	return out
}

// AllowsIP reports whether the key may be used from addr: always when it
// has no allowed ranges, otherwise only when one holds addr. An address
// that does not parse is outside every range.
func (k *APIKey) AllowsIP(addr string) bool {
	if len(k.AllowedIPs) == 0 {
		return true
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range k.AllowedIPs {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

package config

import (
	"log/slog"
	"net/url"
	"strings"
)

const redacted = "[redacted]"

// String returns the settings as DBPLANE_*=value lines, in the config file's
// format, with secrets redacted: the password of a postgres store URL (in
// the user info or a password query parameter) shows as [redacted], and so
// does an inline master key.
func (c Config) String() string {
	var b strings.Builder
	for i := range settings {
		s := &settings[i]
		b.WriteString(s.env + "=" + c.shown(s) + "\n")
	}
	return b.String()
}

// GoString keeps %#v as quiet as %v.
func (c Config) GoString() string { return c.String() }

// LogValue logs the settings as a group with secrets redacted, keyed by
// the variable names in snake case (data_dir, listen, ...).
func (c Config) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, len(settings))
	for i := range settings {
		s := &settings[i]
		attrs = append(attrs, slog.String(strings.ToLower(strings.TrimPrefix(s.env, "DBPLANE_")), c.shown(s)))
	}
	return slog.GroupValue(attrs...)
}

func (c Config) shown(s *setting) string {
	v := s.get(&c)
	switch {
	case !s.secret || v == "":
		return v
	case s.env == "DBPLANE_STORE":
		return redactStore(v)
	default:
		return redacted
	}
}

// redactStore hides the password in a store URL. Anything it cannot read as
// a URL may be a key=value DSN with a password, so it is hidden whole.
func redactStore(s string) string {
	if strings.HasPrefix(s, "sqlite:") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return redacted
	}
	var user string
	if u.User != nil {
		user = url.User(u.User.Username()).String()
		if _, ok := u.User.Password(); ok {
			user += ":" + redacted
		}
		user += "@"
	}
	bare := *u
	bare.User = nil
	bare.RawQuery = ""
	bare.Fragment, bare.RawFragment = "", ""
	prefix := u.Scheme + "://"
	rest, ok := strings.CutPrefix(bare.String(), prefix)
	if !ok {
		return redacted
	}
	out := prefix + user + rest
	if u.RawQuery != "" {
		params := strings.Split(u.RawQuery, "&")
		for i, p := range params {
			k, _, _ := strings.Cut(p, "=")
			if name, err := url.QueryUnescape(k); err != nil || strings.Contains(strings.ToLower(name), "password") {
				params[i] = k + "=" + redacted
			}
		}
		out += "?" + strings.Join(params, "&")
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out
}

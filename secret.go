package dbplane

import "log/slog"

// Secret is a credential: a password, an API key or a connection string that
// holds one. It prints as [redacted] in logs and %v; take string(s) only
// where the value must be shown (create, reveal and rotate responses).
type Secret string

const redacted = "[redacted]"

func (Secret) String() string { return redacted }

// GoString keeps %#v quiet too.
func (Secret) GoString() string { return redacted }

// LogValue keeps slog quiet.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText keeps encoders quiet: wire structs carry plain strings, so a
// Secret that reaches an encoder by mistake shows as [redacted].
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

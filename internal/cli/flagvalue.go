package cli

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// optString is a string flag that knows whether it was given, so that an
// update sends only the fields asked for.
type optString struct {
	set bool
	v   string
}

func (o *optString) String() string {
	if o == nil {
		return ""
	}
	return o.v
}

func (o *optString) Set(s string) error { o.set, o.v = true, s; return nil }

// orNull is the JSON value of a clearable string: "" is null.
func (o *optString) orNull() any {
	if o.v == "" {
		return nil
	}
	return o.v
}

// optNumber is an integer flag that knows whether it was given and takes
// a word (nullWord, such as "unlimited") for JSON null. With sizes, it
// takes byte units too (parseSize).
type optNumber struct {
	set, null bool
	v         int64
	nullWord  string
	sizes     bool
}

func (o *optNumber) String() string {
	switch {
	case o == nil || !o.set:
		return ""
	case o.null:
		return o.nullWord
	}
	return strconv.FormatInt(o.v, 10)
}

func (o *optNumber) Set(s string) error {
	s = strings.TrimSpace(s)
	if o.nullWord != "" && strings.EqualFold(s, o.nullWord) {
		o.set, o.null = true, true
		return nil
	}
	var n int64
	var err error
	if o.sizes {
		n, err = parseSize(s)
	} else {
		n, err = strconv.ParseInt(s, 10, 64)
		if err != nil {
			err = errors.New("not a whole number")
		}
	}
	if err != nil {
		if o.nullWord != "" {
			return errors.New(err.Error() + " (or " + o.nullWord + ")")
		}
		return err
	}
	o.set, o.null, o.v = true, false, n
	return nil
}

// json is the flag's JSON value: null for the null word.
func (o *optNumber) json() any {
	if o.null {
		return nil
	}
	return o.v
}

// optBool is a boolean flag that knows whether it was given.
type optBool struct {
	set, v bool
}

func (o *optBool) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.FormatBool(o.v)
}

func (o *optBool) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	o.set, o.v = true, b
	return nil
}

func (o *optBool) IsBoolFlag() bool { return true }

// sizeUnits are the byte units parseSize knows, by lower-case suffix.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40}, {"pib", 1 << 50},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12}, {"pb", 1e15},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"p", 1 << 50},
	{"b", 1},
}

// parseSize reads a byte count: a whole number with an optional unit,
// binary (KiB, MiB, GiB, TiB, PiB, and K, M, G, T, P for them), decimal
// (kB, MB, GB, TB, PB) or B, in any letter case, with or without a space:
// "1048576", "10GiB", "500 MB". It refuses negatives, fractions and sizes
// over what an int64 holds.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(lower, u.suffix) {
			lower, mult = strings.TrimSpace(strings.TrimSuffix(lower, u.suffix)), u.mult
			break
		}
	}
	if lower == "" || strings.TrimLeft(lower, "0123456789") != "" {
		return 0, errors.New("not a size: want a whole number of bytes, optionally with a unit (10GiB, 500MB)")
	}
	n, err := strconv.ParseInt(lower, 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, errors.New("size too large")
	}
	return n * mult, nil
}

// listFlag is a repeatable flag whose values may also be comma lists:
// --allowed-ip 10.0.0.0/8 --allowed-ip 203.0.113.7,2001:db8::/32.
type listFlag []string

func (l *listFlag) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

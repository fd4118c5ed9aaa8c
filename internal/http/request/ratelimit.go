package request

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RateLimiter counts requests per bucket (a key id, or a client address for
// requests that carry no valid key) in fixed one-minute windows that open
// at a bucket's first request, as Laravel's throttle middleware does. It
// is in memory: each replica counts on its own.
type RateLimiter struct {
	limit int
	now   func() time.Time
	// limitValue is the X-RateLimit-Limit value, shared by every response:
	// net/http only reads it.
	limitValue []string

	mu        sync.Mutex
	windows   map[string]*window
	lastSweep time.Time
}

type window struct {
	start time.Time
	count int
}

const rateWindow = time.Minute

// The rate limit headers, as net/http writes them (textproto's canonical
// form of X-RateLimit-Limit and X-RateLimit-Remaining).
const (
	hdrLimit     = "X-Ratelimit-Limit"
	hdrRemaining = "X-Ratelimit-Remaining"
)

// NewRateLimiter allows limit requests a minute per bucket; now is the
// clock (nil: time.Now).
func NewRateLimiter(limit int, now func() time.Time) *RateLimiter {
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{limit: limit, now: now, windows: map[string]*window{}, limitValue: []string{strconv.Itoa(limit)}}
}

// quota is what a request learnt from the limiter, for the headers.
type quota struct {
	limit      int
	remaining  int
	retryAfter time.Duration // > 0 when the request was refused
	reset      time.Time
}

// Limit counts one request against bucket and sets X-RateLimit-Limit and
// X-RateLimit-Remaining. When the bucket is exhausted it also sets
// Retry-After and X-RateLimit-Reset and returns false: the caller writes
// its surface's 429.
//
// A limiter whose limit is 0 or less lets everything through and sets no
// header: the deployment turned the limit off.
func (l *RateLimiter) Limit(w http.ResponseWriter, bucket string) bool {
	if l.limit <= 0 {
		return true
	}
	q := l.take(bucket)
	hd := w.Header()
	// The keys in canonical form (what Header.Set would make of
	// "X-RateLimit-Limit"), set without Set's check and copy.
	hd[hdrLimit] = l.limitValue
	hd[hdrRemaining] = []string{strconv.Itoa(q.remaining)}
	if q.retryAfter > 0 {
		hd.Set("Retry-After", q.retryAfterSeconds())
		hd.Set("X-RateLimit-Reset", strconv.FormatInt(q.reset.Unix(), 10))
		return false
	}
	return true
}

// take counts one request against bucket. A refused request is not
// counted.
func (l *RateLimiter) take(bucket string) quota {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	w := l.windows[bucket]
	if w == nil || now.Sub(w.start) >= rateWindow || now.Before(w.start) {
		w = &window{start: now}
		l.windows[bucket] = w
	}
	q := quota{limit: l.limit, reset: w.start.Add(rateWindow)}
	if w.count >= l.limit {
		q.retryAfter = q.reset.Sub(now)
		return q
	}
	w.count++
	q.remaining = l.limit - w.count
	return q
}

// sweep drops closed windows, at most once a window, so that the map holds
// only buckets seen in the last two minutes.
func (l *RateLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < rateWindow {
		return
	}
	l.lastSweep = now
	for k, w := range l.windows {
		if now.Sub(w.start) >= rateWindow {
			delete(l.windows, k)
		}
	}
}

// retryAfterSeconds rounds up, so that a client that waits that long is
// let in.
func (q quota) retryAfterSeconds() string {
	s := int64((q.retryAfter + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return strconv.FormatInt(s, 10)
}

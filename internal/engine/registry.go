package engine

import (
	"fmt"
	"log/slog"
	"sort"
	"time"
)

// DefaultTimeout bounds an operation whose ctx has no deadline.
const DefaultTimeout = 10 * time.Second

// Options configures a Registry.
type Options struct {
	// Logger gets one line per operation on every Conn the Registry opens.
	// Nil discards them.
	Logger *slog.Logger
	// Timeout is applied to operations whose ctx has no deadline. Zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Observe, when set, is called after every operation; metrics and the
	// control plane's view of host health use it.
	Observe func(Observation)
}

// Registry holds the engine drivers a deployment supports, by name. Wiring
// is explicit: the composition root lists the drivers, nothing registers
// itself in init.
type Registry struct {
	opt     Options
	drivers map[string]Driver
	names   []string // sorted
}

// NewRegistry returns a Registry of drivers. It panics if two drivers share
// a name, which is a wiring bug.
func NewRegistry(opt Options, drivers ...Driver) *Registry {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	r := &Registry{opt: opt, drivers: make(map[string]Driver, len(drivers))}
	for _, d := range drivers {
		name := d.Name()
		if _, dup := r.drivers[name]; dup {
			panic(fmt.Sprintf("engine: NewRegistry: two drivers named %q", name))
		}
		r.drivers[name] = d
		r.names = append(r.names, name)
	}
	sort.Strings(r.names)
	return r
}

// Names returns the names of the registered drivers, sorted.
func (r *Registry) Names() []string {
	return append([]string(nil), r.names...)
}

// Has reports whether a driver named name is registered.
func (r *Registry) Has(name string) bool {
	_, ok := r.drivers[name]
	return ok
}

// Open opens a Conn to a host through the named driver. The Conn is wrapped
// in middleware that bounds each operation with the default timeout, logs
// it with hostID, and makes every error an *Error (an untranslated driver
// error loses its text; see conn). Open returns an error wrapping
// ErrUnsupported when no driver is named name.
func (r *Registry) Open(name string, cfg Config, hostID string) (Conn, error) {
	d, ok := r.drivers[name]
	if !ok {
		return nil, &Error{Op: OpOpen, Engine: name, Kind: ErrUnsupported, Err: fmt.Errorf("no engine named %q is enabled", name)}
	}
	c, err := d.Open(cfg)
	if err != nil {
		return nil, structured(err, OpOpen, name)
	}
	return &conn{
		inner:   c,
		engine:  name,
		hostID:  hostID,
		log:     r.opt.Logger,
		timeout: r.opt.Timeout,
		observe: r.opt.Observe,
	}, nil
}

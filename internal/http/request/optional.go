package request

import (
	"encoding/json"
)

// Optional is a JSON object field that tells apart "omitted" (Set false),
// "null" (Set and Null) and a value. PATCH bodies need it: maxDatabases null
// means unlimited, while an omitted maxDatabases leaves the limit alone.
type Optional[T any] struct {
	Set   bool // the field was present, even as null
	Null  bool // the field was present as null
	Value T    // the value when Set and not Null
}

// UnmarshalJSON records that the field was present.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		var zero T
		o.Value = zero
		return nil
	}
	o.Null = false
	return json.Unmarshal(b, &o.Value)
}

// Ptr returns the value, or nil when the field was omitted or null.
func (o Optional[T]) Ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	v := o.Value
	return &v
}

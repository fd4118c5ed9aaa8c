package cli

import "context"

// sendAndShow sends body with method to path (GET with a nil body reads),
// decodes the answer's data into a V and shows it with show, which prints
// the data as it came for -o json and V for people.
func sendAndShow[V any](ctx context.Context, c *call, method, path string, body any, show func(*call, []byte, V) error) error {
	var v V
	data, err := c.api.send(ctx, method, path, body, &v)
	if err != nil {
		return err
	}
	return show(c, data, v)
}

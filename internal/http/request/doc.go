// Package request holds what every HTTP surface needs to read a request:
// bounded JSON decoding with clear messages, fields that tell omitted from
// null, the API key from the Authorization header and the client address.
// It knows no envelope; each surface writes its own errors.
package request

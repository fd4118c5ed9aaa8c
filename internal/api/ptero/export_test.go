package ptero

// HashID returns the client API's string id of id under salt, so that
// tests can build paths.
func HashID(salt string, id int64) string { return newHashIDs(salt).Encode(id) }

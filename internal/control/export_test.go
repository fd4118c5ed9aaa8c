package control

// SetRekeyBatch sets Rekey's batch size for a test and returns the undo.
func SetRekeyBatch(n int) (restore func()) {
	old := rekeyBatch
	rekeyBatch = n
	return func() { rekeyBatch = old }
}

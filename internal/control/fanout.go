package control

import "sync"

// fanOut runs fn for every item, at most workers at a time, and returns
// when all have returned. Passes over hosts use it so that a hung host
// holds one worker for one bound, not the pass for one bound per host
// (STYLE.md §7, habit 19).
func fanOut[T any](items []T, workers int, fn func(i int, item T)) {
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, item := range items {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fn(i, item)
		})
	}
	wg.Wait()
}

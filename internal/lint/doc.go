// Package lint holds tests that check the shape of the code base rather than
// its behaviour: imports_test.go enforces the import table of STYLE.md §2
// and the dependency list of §8. It has no code of its own.
package lint

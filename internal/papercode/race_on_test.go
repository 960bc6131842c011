//go:build race

package papercode

// raceDetector is true under -race, which slows the trials tenfold and
// finds nothing in code that has no goroutines.
const raceDetector = true

//go:build race

package recovery

// raceDetector is true under -race, which makes scrypt with 1 GiB about
// six times slower and adds nothing to a single-threaded derivation.
const raceDetector = true

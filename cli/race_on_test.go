//go:build race

package cli_test

// raceDetector is true under -race, which makes the 1 GiB scrypt of
// ephemeral mode minutes slow; scripts that derive for real check
// [race] and skip, and scripts/test.sh runs them in its pass without it.
const raceDetector = true

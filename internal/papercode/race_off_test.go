//go:build !race

package papercode

const raceDetector = false

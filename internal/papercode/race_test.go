package papercode

// underRace scales a test's loop count down tenfold under -race.
func underRace(n int) int {
	if raceDetector {
		return max(1, n/10)
	}
	return n
}

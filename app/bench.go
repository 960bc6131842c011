package app

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// benchFirstFrame waits for the first frame of the overview, prints a
// marker line with the resident memory then, and quits. The startup
// benchmark (scripts/bench-startup.sh) times the marker from outside.
func benchFirstFrame(a fyne.App, p *frameProbe, guard *quitGuard) {
	if !waitFirst(p, time.Minute) {
		fmt.Println("PASSCROW_NO_FRAME")
		os.Exit(1)
	}
	fmt.Printf("PASSCROW_FIRST_FRAME rss_kb=%d\n", rssKB())
	guard.arm()
	fyne.Do(a.Quit)
}

// waitFirst waits for the first frame ever drawn.
func waitFirst(p *frameProbe, timeout time.Duration) bool {
	select {
	case <-p.drawn:
		return true
	case <-time.After(timeout):
		return false
	}
}

// rssKB is VmRSS from /proc/self/status (Linux), or 0.
func rssKB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			var kb int
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb
		}
	}
	return 0
}

// Command hello is the baseline for scripts/bench-startup.sh: the least
// Fyne app (one window, one label), built with the same flags as passcrow
// and measured the same way: it prints a marker line with its resident
// memory when the first frame is drawn, then quits.
package main

import (
	"bufio"
	"fmt"
	"image"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("is.passcrow.benchhello")
	w := a.NewWindow("hello")
	drawn := make(chan struct{}, 1)
	probe := canvas.NewRaster(func(int, int) image.Image {
		select {
		case drawn <- struct{}{}:
		default:
		}
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	w.SetContent(container.NewStack(widget.NewLabel("Hello"), probe))
	go func() {
		<-drawn
		fmt.Printf("PASSCROW_FIRST_FRAME rss_kb=%d\n", rssKB())
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
}

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

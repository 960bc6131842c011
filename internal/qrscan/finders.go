package qrscan

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// maxFinderCandidates bounds the places a picture may have that look
// like a QR code's corner square. ZXing keeps every such place it
// confirms and then tries every three of them: a picture tiled with tiny
// corner squares (a PNG of a few kilobytes) gives thousands, and took
// minutes to hours of CPU. A photo of a sheet has three corners and a
// few look-alikes.
const maxFinderCandidates = 300

// finderCandidates scans every row of m as ZXing's FinderPatternFinder
// does when trying harder, confirming candidates with its own checks,
// but never stopping early or skipping rows, and stops counting past
// maxFinderCandidates: it finds at least the candidates ZXing would.
func finderCandidates(m *gozxing.BitMatrix) int {
	f := detector.NewFinderPatternFinder(m, nil)
	w, h := m.GetWidth(), m.GetHeight()
	counts := make([]int, 5)
	for i := 0; i < h; i++ {
		clear(counts)
		state := 0
		for j := 0; j < w; j++ {
			if m.Get(j, i) { // dark
				if state&1 == 1 {
					state++
				}
				counts[state]++
				continue
			}
			if state&1 == 1 {
				counts[state]++
				continue
			}
			if state < 4 {
				state++
				counts[state]++
				continue
			}
			if detector.FinderPatternFinder_foundPatternCross(counts) && f.HandlePossibleCenter(counts, i, j) {
				state = 0
				clear(counts)
			} else {
				detector.FinderPatternFinder_ShiftCounts2(counts)
				state = 3
			}
		}
		if detector.FinderPatternFinder_foundPatternCross(counts) {
			f.HandlePossibleCenter(counts, i, w)
		}
		if n := len(f.GetPossibleCenters()); n > maxFinderCandidates {
			return n
		}
	}
	return len(f.GetPossibleCenters())
}

package qrscan

import (
	"cmp"
	"errors"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// maxFinderCandidates bounds the places a picture may have that look
// like a QR code's corner square. Every three of them are weighed as a
// code's corners: a picture tiled with tiny corner squares (a PNG of a
// few kilobytes) gives thousands, and took ZXing minutes to hours of
// CPU. A photo of a sheet has three corners and a few look-alikes.
const maxFinderCandidates = 300

// maxCornerSets is how many sets of three candidates are sampled and
// decoded, most like a code's corners first. The code's own corners are
// the first set on every sheet and photo in the tests; the others are for
// look-alikes that happen to stand in a near right angle with two of them.
const maxCornerSets = 4

// finderCandidates scans every row of m as ZXing's FinderPatternFinder
// does when trying harder, confirming candidates with its own checks,
// but never stopping early or skipping rows. ZXing stops scanning once
// three candidates have each been confirmed on two rows: a look-alike in
// a code's data above its bottom-left corner (about 1 heir key in 80 has
// one) then hid that corner, and a perfect picture of the code was
// refused. ok is false past maxFinderCandidates.
func finderCandidates(m *gozxing.BitMatrix) (centers []*detector.FinderPattern, ok bool) {
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
		if len(f.GetPossibleCenters()) > maxFinderCandidates {
			return nil, false
		}
	}
	return f.GetPossibleCenters(), true
}

// cornerSets returns up to maxCornerSets sets of three candidates, the
// most like a QR code's corners first: module sizes within 1.4× of each
// other and centres nearest an isosceles right triangle, both as ZXing's
// FinderPatternFinder judges them, except that the distortion is relative
// to the triangle's size, so three look-alikes close together do not
// outrank the code's corners.
func cornerSets(centers []*detector.FinderPattern) [][3]*detector.FinderPattern {
	c := slices.Clone(centers)
	slices.SortFunc(c, func(a, b *detector.FinderPattern) int {
		return cmp.Compare(a.GetEstimatedModuleSize(), b.GetEstimatedModuleSize())
	})
	n := len(c)
	dist := make([]float64, n*n) // squared distances
	for i := range n {
		for j := i + 1; j < n; j++ {
			x, y := c[i].GetX()-c[j].GetX(), c[i].GetY()-c[j].GetY()
			dist[i*n+j] = x*x + y*y
		}
	}
	type set struct {
		d       float64
		i, j, k int
	}
	var best []set
	for i := range n {
		limit := c[i].GetEstimatedModuleSize() * 1.4
		for j := i + 1; j < n && c[j].GetEstimatedModuleSize() <= limit; j++ {
			for k := j + 1; k < n && c[k].GetEstimatedModuleSize() <= limit; k++ {
				a, b, long := sort3(dist[i*n+j], dist[j*n+k], dist[i*n+k])
				if long == 0 {
					continue
				}
				// An isosceles right triangle has long = 2a = 2b.
				d := (math.Abs(long-2*a) + math.Abs(long-2*b)) / long
				if len(best) == maxCornerSets && d >= best[len(best)-1].d {
					continue
				}
				at := len(best)
				for at > 0 && best[at-1].d > d {
					at--
				}
				if len(best) < maxCornerSets {
					best = append(best, set{})
				}
				copy(best[at+1:], best[at:])
				best[at] = set{d, i, j, k}
			}
		}
	}
	out := make([][3]*detector.FinderPattern, len(best))
	for x, s := range best {
		out[x] = [3]*detector.FinderPattern{c[s.i], c[s.j], c[s.k]}
	}
	return out
}

// decodeCorners samples the code whose corners are p from m and decodes
// it. An error that is not a gozxing.NotFoundException means a grid was
// sampled but its format or checksum failed.
func decodeCorners(m *gozxing.BitMatrix, p [3]*detector.FinderPattern) (string, error) {
	bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(p[0], p[1], p[2])
	info := detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern))
	det, err := detector.NewDetector(m).ProcessFinderPatternInfo(info)
	if err != nil {
		return "", err
	}
	res, err := decoder.NewDecoder().Decode(det.GetBits(), nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// isNotFound reports whether err says no code was located.
func isNotFound(err error) bool {
	var nf gozxing.NotFoundException
	return errors.As(err, &nf)
}

// sort3 returns x, y and z smallest first.
func sort3(x, y, z float64) (float64, float64, float64) {
	if x > y {
		x, y = y, x
	}
	if y > z {
		y, z = z, y
	}
	if x > y {
		x, y = y, x
	}
	return x, y, z
}

package papercode

// A missing or doubled character shifts everything after it, which no
// count of wrong characters explains. So when the length is wrong, or the
// checksum fails and no typos can be placed, Decode tries every single
// deletion and insertion and reports one that gives a valid code, as a
// place to look, never as a correction. A chance match of a random string
// is about one in 2^65 per try, and there are a few thousand tries.
//
// Trying them one by one would take O(n²) steps; the residue is linear in
// the characters, so with the residues of every prefix and suffix each try
// is a few steps. For the n characters d after the human-readable part,
// with x^k for the place k characters from the end:
//
//	suf[t]  = Σ_{u≥t} d_u·x^(n-1-u)             mod g
//	left[t] = R - suf[t]                          (R the whole residue)
//	without d_t:         left[t]·x⁻¹ + suf[t+1]
//	with v before d_t:   left[t]·x + v·x^(n-t) + suf[t]

// slip is where one character should be added (missing) or removed.
type slip struct {
	missing bool
	index   int // in data: where the missing character goes, or the extra one is
}

// findSlip returns the one slip that makes data valid, or false when
// there is none, or more than one that give different codes.
func findSlip(data []uint8) (slip, bool) {
	var found slip
	var result []uint8
	distinct := 0
	note := func(s slip, fixed []uint8) {
		if distinct > 0 && string(fixed) == string(result) {
			return // the same code again, from elsewhere in a run of equal characters
		}
		if _, _, ok := decodeData(fixed); !ok {
			return
		}
		if distinct == 0 {
			found, result, distinct = s, fixed, 1
		} else if string(fixed) != string(result) {
			distinct++
		}
	}

	n := len(data)
	if code := codeForLength(n - 1); code != nil {
		left, suf, _ := code.splitResidues(data)
		for t := range n {
			r := code.divX(left[t])
			addTo(&r, &suf[t+1])
			if r == code.target {
				note(slip{index: t}, append(append([]uint8(nil), data[:t]...), data[t+1:]...))
			}
		}
	}
	if code := codeForLength(n + 1); code != nil {
		left, suf, xPow := code.splitResidues(data)
		for t := 0; t <= n; t++ {
			// Wanted: v·x^(n-t) = target - left[t]·x - suf[t].
			want := left[t]
			code.update(&want, 0)
			addTo(&want, &suf[t])
			addTo(&want, &code.target)
			v, ok := code.scalar(&xPow[n-t], &want)
			if ok {
				fixed := make([]uint8, 0, n+1)
				note(slip{missing: true, index: t}, append(append(append(fixed, data[:t]...), v), data[t:]...))
			}
		}
	}
	return found, distinct == 1
}

// splitResidues returns left[t] and suf[t] for t = 0…n (see above), and
// xPow[k] = x^k mod g for k = 0…n.
func (c *bchCode) splitResidues(data []uint8) (left, suf, xPow []residue) {
	n := len(data)
	xPow = make([]residue, n+1)
	xPow[0][0] = 1
	for k := 1; k <= n; k++ {
		xPow[k] = xPow[k-1]
		c.update(&xPow[k], 0)
	}
	suf = make([]residue, n+1)
	for t := n - 1; t >= 0; t-- {
		suf[t] = suf[t+1]
		for j := range c.checkLen {
			suf[t][j] ^= gf32Mul[data[t]][xPow[n-1-t][j]]
		}
	}
	whole := c.polymod(hrpSymbols, data)
	left = make([]residue, n+1)
	for t := range left {
		left[t] = whole
		addTo(&left[t], &suf[t])
	}
	return left, suf, xPow
}

func addTo(r, s *residue) {
	for j := range r {
		r[j] ^= s[j]
	}
}

// divX returns r·x⁻¹ mod g, undoing update(r, 0): x is invertible modulo
// g because g(0) ≠ 0.
func (c *bchCode) divX(r residue) residue {
	top := gf32Mul[r[0]][gf32Inv[c.gen[0]]]
	var s residue
	for j := 1; j < c.checkLen; j++ {
		s[j-1] = r[j] ^ gf32Mul[top][c.gen[j]]
	}
	s[c.checkLen-1] = top
	return s
}

// scalar returns v with v·a = b, if there is one. a must not be zero.
func (c *bchCode) scalar(a, b *residue) (uint8, bool) {
	j := 0
	for a[j] == 0 {
		j++
	}
	v := gf32Mul[b[j]][gf32Inv[a[j]]]
	for j := range c.checkLen {
		if gf32Mul[v][a[j]] != b[j] {
			return 0, false
		}
	}
	return v, true
}

package papercode

// Locating errors, the textbook way for a BCH code: the error residue
// evaluated at the eight consecutive roots gives eight syndromes;
// Berlekamp-Massey finds the shortest error locator Λ(z) = ∏(1 - X_k z)
// that explains them, where X_k = β^p for a wrong character p places from
// the end; a search over every place finds Λ's roots; Forney's formula
// gives each error's value. Nothing is corrected: the positions are only
// reported, and only after checking that some valid string really differs
// from the received one in exactly those places.

const maxErrors = 4 // (distance 9 - 1) / 2

// locate returns the indexes (from the start of data, ascending) of the
// wrong characters when at most maxErrors explain the error residue e, or
// nil when none do. data is the received data part, prefix the fixed
// symbols in front of it.
func (c *bchCode) locate(prefix, data []uint8, e residue) []int {
	n := len(data)
	if n > c.length {
		return nil
	}

	// s[l] = e(β^(first+l)).
	var s [2 * maxErrors]uint16
	for l := range s {
		z := gfPow(c.betaLog * (c.first + l))
		var v uint16
		for j := c.checkLen - 1; j >= 0; j-- {
			v = gfMul(v, z) ^ embed[e[j]]
		}
		s[l] = v
	}

	lambda, deg := berlekampMassey(s)
	if deg == 0 || deg > maxErrors {
		return nil
	}

	// Chien search: place p is wrong when Λ(β^-p) = 0.
	var places [maxErrors]int
	found := 0
	for p := range n {
		zi := gfPow(-c.betaLog * p)
		var v uint16
		for i := deg; i >= 0; i-- {
			v = gfMul(v, zi) ^ lambda[i]
		}
		if v == 0 {
			if found == deg {
				return nil
			}
			places[found] = p
			found++
		}
	}
	if found != deg {
		return nil // some root lies beyond the string: more errors than we can place
	}

	// Forney: Ω(z) = S(z)Λ(z) mod z^8; the error at X is
	// X·Ω(X⁻¹)/Λ'(X⁻¹)·X^-first, and must be a nonzero character.
	var omega [2 * maxErrors]uint16
	for i := range omega {
		for j := 0; j <= i && j <= deg; j++ {
			omega[i] ^= gfMul(lambda[j], s[i-j])
		}
	}
	fixed := make([]uint8, n)
	copy(fixed, data)
	idx := make([]int, deg)
	for k := range deg {
		p := places[k]
		xi := gfPow(-c.betaLog * p) // X⁻¹
		var num, den uint16
		for i := len(omega) - 1; i >= 0; i-- {
			num = gfMul(num, xi) ^ omega[i]
		}
		for i := deg; i >= 1; i-- { // Λ'(z): the odd terms, one degree down
			if i%2 == 1 {
				den ^= gfMul(lambda[i], gfPow(gfLog[xi]*(i-1)))
			}
		}
		if den == 0 {
			return nil
		}
		y := gfMul(gfDiv(num, den), gfPow(c.betaLog*p*(1-c.first)))
		v := unembed[y]
		if y == 0 || v < 0 {
			return nil
		}
		t := n - 1 - p
		fixed[t] ^= uint8(v)
		idx[deg-1-k] = t // places ascend, so indexes descend
	}

	// The corrected string must be valid; this holds by the algebra, and
	// is checked so that a wrong report can never come from a slip here.
	if c.syndrome(prefix, fixed) != (residue{}) {
		return nil
	}
	return idx
}

// berlekampMassey returns the shortest LFSR (connection polynomial Λ, with
// Λ[0] = 1, and its length) that generates s.
func berlekampMassey(s [2 * maxErrors]uint16) (lambda [2*maxErrors + 1]uint16, length int) {
	var prev [2*maxErrors + 1]uint16
	lambda[0], prev[0] = 1, 1
	prevDisc := uint16(1)
	shift := 1
	for n := range s {
		d := s[n]
		for i := 1; i <= length; i++ {
			d ^= gfMul(lambda[i], s[n-i])
		}
		if d == 0 {
			shift++
			continue
		}
		f := gfDiv(d, prevDisc)
		old := lambda
		for i := 0; i+shift < len(lambda); i++ {
			lambda[i+shift] ^= gfMul(f, prev[i])
		}
		if 2*length <= n {
			length = n + 1 - length
			prev = old
			prevDisc = d
			shift = 1
		} else {
			shift++
		}
	}
	return lambda, length
}

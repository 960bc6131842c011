package recovery

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A Policy says how many of the chosen locations must release their
// fragment before the secret can be recovered.
type Policy struct {
	kind policyKind
	n    int
}

type policyKind uint8

const (
	policyUnset policyKind = iota
	policyAll
	policyAnyOne
	policyN
)

// All needs every location.
func All() Policy { return Policy{kind: policyAll} }

// AnyOne needs any single location.
func AnyOne() Policy { return Policy{kind: policyAnyOne} }

// NofM needs any n of the locations. NofM(1) is AnyOne.
func NofM(n int) Policy {
	if n == 1 {
		return AnyOne()
	}
	return Policy{kind: policyN, n: n}
}

// ErrNoLocations means a protect or policy was given no locations.
var ErrNoLocations = errors.New("recovery: no locations given")

// Need is how many of m locations the policy needs.
func (p Policy) Need(m int) (int, error) {
	if m < 1 {
		return 0, ErrNoLocations
	}
	switch p.kind {
	case policyAll:
		return m, nil
	case policyAnyOne:
		return 1, nil
	case policyN:
		if p.n < 1 {
			return 0, fmt.Errorf("recovery: policy needs %d locations; it must need at least one", p.n)
		}
		if p.n > m {
			return 0, fmt.Errorf("recovery: policy needs %d locations but only %d were chosen", p.n, m)
		}
		return p.n, nil
	}
	return 0, errors.New("recovery: no policy chosen")
}

// String says the policy in plain words; ParsePolicy reads it back.
func (p Policy) String() string {
	switch p.kind {
	case policyAll:
		return "all locations"
	case policyAnyOne:
		return "any one location"
	case policyN:
		return fmt.Sprintf("any %d locations", p.n)
	}
	return "no policy"
}

// ParsePolicy reads what String writes, and also the short forms "all",
// "any" and "N" (a number), as typed on a command line.
func ParsePolicy(s string) (Policy, error) {
	switch t := strings.TrimSpace(strings.ToLower(s)); t {
	case "all locations", "all":
		return All(), nil
	case "any one location", "any", "any one":
		return AnyOne(), nil
	default:
		num := strings.TrimSuffix(strings.TrimPrefix(t, "any "), " locations")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || strconv.Itoa(n) != num {
			return Policy{}, fmt.Errorf("recovery: policy %q is not %q, %q or %q", s, "all locations", "any one location", "any N locations")
		}
		return NofM(n), nil
	}
}

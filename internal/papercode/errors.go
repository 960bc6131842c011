package papercode

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrPrefix means the text does not start with "PC1": not a code of
	// ours, or a typo in its first three characters.
	ErrPrefix = errors.New("the text does not start with " + Prefix)

	// ErrLength means no code has that many characters: one is probably
	// missing or doubled.
	ErrLength = errors.New("the text has the wrong number of characters; one may be missing or typed twice")

	// ErrChecksum means the text has typos, more than can be placed.
	ErrChecksum = errors.New("the text has typos that cannot be pinned down; compare it character by character")

	// ErrCharacter is what a *CharacterError unwraps to.
	ErrCharacter = errors.New("the text has a character that codes never contain")
)

// A TypoError reports wrong characters whose places are known: some valid
// code differs from the text in exactly these places and nowhere else. Up
// to four typos are always found where they are. The text is not
// corrected: the person should look at the paper again.
type TypoError struct {
	// Positions are 0-based indexes of the wrong characters in the
	// normalised text (uppercase, no spaces or dashes, "PC1" included),
	// counted in characters (runes), ascending.
	Positions []int
	// Groups gives for each position its group as printed by Group,
	// 1-based ("PC1" is group 1); GroupOf also gives the place within it.
	Groups []int
}

func newTypoError(pos []int) *TypoError {
	return &TypoError{Positions: pos, Groups: groupsOf(pos)}
}

func (e *TypoError) Error() string {
	if len(e.Positions) == 1 {
		return "the text has a typo in " + places(e.Positions)
	}
	return "the text has typos in " + places(e.Positions)
}

// A CharacterError reports characters that are not in the alphabet (it has
// no B, I or O, and no 1 after the prefix). Their places are always known.
// errors.Is(err, ErrCharacter) holds.
type CharacterError struct {
	Positions []int // as in TypoError; the first four, if there are more
	Groups    []int // as in TypoError
}

// maxReported bounds the characters a CharacterError names, so that pasted
// garbage gives a short message.
const maxReported = 4

func newCharacterError(pos []int) *CharacterError {
	return &CharacterError{Positions: pos, Groups: groupsOf(pos)}
}

func (e *CharacterError) Error() string {
	which := "a character"
	if len(e.Positions) > 1 {
		which = "characters"
	}
	return fmt.Sprintf("the text has %s that codes never contain in %s (there is no B, I or O, and no 1 after %s)",
		which, places(e.Positions), Prefix)
}

func (e *CharacterError) Unwrap() error { return ErrCharacter }

// A LengthError reports where a character seems to be missing or typed
// twice: the one place where adding or removing a character gives a valid
// code. errors.Is(err, ErrLength) holds.
type LengthError struct {
	// Missing is true when a character is missing, false when one is extra.
	Missing bool
	// Position is a 0-based index in the normalised text, as in TypoError:
	// of the extra character, or where the missing one belongs (counted
	// in the code as printed).
	Position int
	Group    int // 1-based, as in TypoError
}

func newLengthError(s slip) *LengthError {
	pos := len(Prefix) + s.index
	g, _ := GroupOf(pos)
	return &LengthError{Missing: s.missing, Position: pos, Group: g}
}

func (e *LengthError) Error() string {
	if e.Missing {
		return "the text is missing a character in " + places([]int{e.Position})
	}
	return "the text has one character too many in " + places([]int{e.Position})
}

func (e *LengthError) Unwrap() error { return ErrLength }

func groupsOf(pos []int) []int {
	g := make([]int, len(pos))
	for i, p := range pos {
		g[i], _ = GroupOf(p)
	}
	return g
}

// places says "group 7 (the 3rd character)", joined with commas and "and".
func places(pos []int) string {
	parts := make([]string, len(pos))
	for i, p := range pos {
		g, nth := GroupOf(p)
		parts[i] = fmt.Sprintf("group %d (the %s character)", g, ordinal(nth))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func ordinal(n int) string {
	switch n {
	case 1:
		return "1st"
	case 2:
		return "2nd"
	case 3:
		return "3rd"
	}
	return fmt.Sprintf("%dth", n)
}

package papercode_test

import (
	"errors"
	"fmt"

	"github.com/passcrow/passcrow-desktop/internal/papercode"
)

func Example() {
	code := papercode.Encode([]byte{0xb5, 0xda, 0xff, 0x24, 0x49, 0x6e, 0x93, 0xb8})
	fmt.Println(code)
	fmt.Println(papercode.Group(code))

	// Someone types it back with one character wrong (a T for an F).
	_, err := papercode.Decode("pc1 khd0 7tzf d6fm sflz 0nzt dr2e f7")
	var typo *papercode.TypoError
	if errors.As(err, &typo) {
		fmt.Println(typo.Positions, typo.Groups)
	}
	fmt.Println(err)

	payload, err := papercode.Decode("pc1 khd0 7fzf d6fm sflz 0nzt dr2e f7")
	fmt.Printf("%x %v\n", payload, err)
	// Output:
	// PC1KHD07FZFD6FMSFLZ0NZTDR2EF7
	// PC1 KHD0 7FZF D6FM SFLZ 0NZT DR2E F7
	// [8] [3]
	// the text has a typo in group 3 (the 2nd character)
	// b5daff24496e93b8 <nil>
}

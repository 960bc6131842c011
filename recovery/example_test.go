package recovery_test

import (
	"context"
	"fmt"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// These examples use exampleLocationFake (example_fake_test.go), an
// in-memory stand-in for a Passcrow server, so that they run anywhere;
// a real program uses the Passcrow location of this package instead.

func ExampleProtect() {
	locs, _ := exampleLocationsFake("alice@example.org", "bob@example.com", "carol@example.net")
	pack, err := recovery.Protect(context.Background(), recovery.ProtectRequest{
		Name:        "wallet",
		Description: "My wallet passphrase",
		Secret:      []byte("correct horse battery staple"),
		Policy:      recovery.NofM(2),
		Locations:   locs,
		Expires:     time.Now().AddDate(1, 0, 0),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Store pack.Marshal() somewhere safe; it holds no key.
	fmt.Println("policy:", pack.Policy)
	for _, r := range pack.Records {
		fmt.Printf("codes starting with %s come from %s\n", r.Prefix, r.Hint)
	}
	// Output:
	// policy: any 2 locations
	// codes starting with 1 come from alice@example.org
	// codes starting with 2 come from bob@example.com
	// codes starting with 3 come from carol@example.net
}

func ExampleRecovery() {
	locs, keepers := exampleLocationsFake("alice@example.org", "bob@example.com", "carol@example.net")
	ctx := context.Background()
	pack, _ := recovery.Protect(ctx, recovery.ProtectRequest{
		Name: "wallet", Secret: []byte("correct horse battery staple"),
		Policy: recovery.NofM(2), Locations: locs, Expires: time.Now().AddDate(1, 0, 0),
	})

	// Later, the passphrase is forgotten.
	r := recovery.NewRecovery(pack, keepers)
	for _, c := range r.RequestCodes(ctx, "en") {
		if c.Err != nil {
			fmt.Println(c.Err) // one location down does not stop the others
			continue
		}
		fmt.Printf("a code starting with %s was sent to %s\n", c.Challenge.Prefix, c.Challenge.Hint)
	}
	// The user types two of the codes, in any order and spelling.
	for _, typed := range []string{exampleCodeFake("carol@example.net"), exampleCodeFake("alice@example.org")} {
		if _, err := r.SubmitCode(ctx, typed); err != nil {
			fmt.Println(err)
		}
	}
	have, need := r.Progress()
	fmt.Printf("%d of %d codes in\n", have, need)
	secret, bad, err := r.Secret()
	if err != nil {
		fmt.Println(err)
		return
	}
	if bad != nil {
		fmt.Println("warning:", bad)
	}
	fmt.Printf("recovered: %s\n", secret)

	// Output:
	// a code starting with 1 was sent to alice@example.org
	// a code starting with 2 was sent to bob@example.com
	// a code starting with 3 was sent to carol@example.net
	// 2 of 2 codes in
	// recovered: correct horse battery staple
}

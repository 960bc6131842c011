package recovery_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/passcrow/passcrow-desktop/recovery"
	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// demoServer starts our Passcrow server on 127.0.0.1 with its outbox
// verifier, as the app's demo mode does; codes land as files in outbox.
func demoServer(outbox string) (url string, stop func()) {
	srv, err := server.New(server.Config{
		Verifiers:     map[string]verify.Verifier{"email": &verify.Outbox{Dir: outbox}},
		MaxExpiration: 24 * time.Hour, // the free tier: no proof of work in the example
	})
	if err != nil {
		log.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	return hs.URL, func() { hs.Close(); srv.Close() }
}

// readCodes stands in for the user reading their mail.
func readCodes(outbox string) []string {
	files, _ := filepath.Glob(filepath.Join(outbox, "*"))
	var codes []string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if c, ok := verify.ReadCode(string(b)); ok {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	return codes
}

// An application protects a secret with three e-mail identities, any two
// of which recover it, and later recovers it with two of the codes.
func Example_passcrowServer() {
	outbox, _ := os.MkdirTemp("", "passcrow-example")
	defer os.RemoveAll(outbox)
	url, stop := demoServer(outbox)
	defer stop()
	ctx := context.Background()

	client, err := recovery.NewClient(url) // plain http only for loopback
	if err != nil {
		log.Fatal(err)
	}
	client.Interval = 0 // our own test server has no per-IP rate limit
	var locations []recovery.Location
	for _, id := range []string{"email:alice@example.org", "email:alice@work.example", "email:friend@example.net"} {
		l, err := recovery.NewPasscrowLocation(client, id)
		if err != nil {
			log.Fatal(err)
		}
		locations = append(locations, l)
	}
	keepers := recovery.NewKeepers(&recovery.PasscrowKeeper{
		Client: func(string) (*recovery.Client, error) { return client, nil },
	})
	pack, err := recovery.Protect(ctx, recovery.ProtectRequest{
		Name:        "mail-key",
		Description: "Mailpile key passphrase",
		Secret:      []byte("correct horse battery staple"),
		Policy:      recovery.NofM(2),
		Locations:   locations,
		Expires:     time.Now().Add(20 * time.Hour),
		Keepers:     keepers,
	})
	if err != nil {
		log.Fatal(err)
	}
	packJSON, _ := pack.Marshal() // store this: OS keychain, a file, your app's config
	fmt.Println("locations:", len(pack.Records), "codes needed:", pack.Need())

	// Later, the password is lost. Load the pack and ask for codes.
	pack, err = recovery.ParsePack(packJSON)
	if err != nil {
		log.Fatal(err)
	}
	r := recovery.NewRecovery(pack, keepers)
	for _, c := range r.RequestCodes(ctx, "en") {
		if c.Err != nil {
			log.Fatal(c.Err)
		}
		fmt.Println("code", c.Challenge.Prefix, "sent to", c.Challenge.Hint)
	}
	// The user types any two codes, in any order; each routes by its first letter.
	codes := readCodes(outbox)
	for _, code := range codes[1:] {
		if _, err := r.SubmitCode(ctx, code); err != nil {
			log.Fatal(err)
		}
	}
	have, need := r.Progress()
	fmt.Printf("%d of %d\n", have, need)
	secret, _, err := r.Secret()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("recovered: %s\n", secret)

	// Forget deletes the escrows; then delete the stored pack.
	if err := recovery.Forget(ctx, pack, keepers); err != nil {
		log.Fatal(err)
	}
	// Output:
	// locations: 3 codes needed: 2
	// code 1 sent to a*@e*ple.org
	// code 2 sent to a*@w*.example
	// code 3 sent to fr*@e*ple.net
	// 2 of 2
	// recovered: correct horse battery staple
}

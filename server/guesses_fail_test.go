package server

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// failingGuessStore is a bbolt store whose guess records cannot be
// written, as on a full disk.
type failingGuessStore struct{ *BoltStore }

func (failingGuessStore) UpdateGuesses(context.Context, string, time.Time, func(*Guesses) error) error {
	return errors.New("no space left on device")
}

// A wrong code that could not be counted is answered with an error, which
// still tells the guesser it was wrong: so the code is void, and the
// next guess, even the right one, needs a new code.
func TestUncountedWrongCodeVoidsTheCode(t *testing.T) {
	bs, err := OpenBoltStore(t.TempDir())
	mustBeNil(t, err)
	t.Cleanup(func() { bs.Close() })
	env := newSecEnv(t, "", func(c *Config) { c.Store = failingGuessStore{bs} })
	f := env.escrow("email:alice@example.org", "", "test", time.Hour)
	code, errStr, _ := env.askCode(f)
	if errStr != "" {
		t.Fatal(errStr)
	}
	wrong := "1000000"
	if code == wrong {
		wrong = "1000001"
	}
	if got, _ := env.recover(f, wrong); strings.HasPrefix(got, "released") {
		t.Fatalf("a wrong code released: %s", got)
	}
	if got, _ := env.recover(f, code); strings.HasPrefix(got, "released") {
		t.Fatal("the right code still worked after an uncounted wrong guess")
	}
}

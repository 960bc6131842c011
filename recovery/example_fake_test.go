package recovery_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// exampleLocationFake keeps fragments in memory and "sends" codes by
// remembering them: a fake, so the examples run without a server.
type exampleLocationFake struct{ addr string }

var exampleStoreFake = struct {
	sync.Mutex
	frags map[string]recovery.Fragment
	codes map[string]string
}{frags: map[string]recovery.Fragment{}, codes: map[string]string{}}

func exampleLocationsFake(addrs ...string) ([]recovery.Location, recovery.Keepers) {
	var locs []recovery.Location
	for _, a := range addrs {
		locs = append(locs, exampleLocationFake{a})
	}
	return locs, recovery.NewKeepers(exampleLocationFake{})
}

// exampleCodeFake is the code last sent to addr, as a person might type it.
func exampleCodeFake(addr string) string {
	exampleStoreFake.Lock()
	defer exampleStoreFake.Unlock()
	c := exampleStoreFake.codes[addr]
	return c[:1] + " " + c[1:4] + "-" + c[4:]
}

func (l exampleLocationFake) Kind() string     { return "example-fake" }
func (l exampleLocationFake) Describe() string { return l.addr }

func (l exampleLocationFake) Place(ctx context.Context, f recovery.Fragment, o recovery.PlaceOptions) (recovery.Record, error) {
	exampleStoreFake.Lock()
	defer exampleStoreFake.Unlock()
	exampleStoreFake.frags[l.addr] = append(recovery.Fragment(nil), f...) // Protect wipes f afterwards
	data, _ := json.Marshal(l.addr)
	return recovery.Record{Kind: l.Kind(), Prefix: o.Prefix, Hint: l.addr, Expires: o.Expires.Unix(), Data: data}, nil
}

func exampleAddr(r recovery.Record) string {
	var a string
	json.Unmarshal(r.Data, &a)
	return a
}

func (l exampleLocationFake) Challenge(ctx context.Context, r recovery.Record, language string) (recovery.Challenge, error) {
	n, _ := rand.Int(rand.Reader, big.NewInt(1000000))
	exampleStoreFake.Lock()
	defer exampleStoreFake.Unlock()
	exampleStoreFake.codes[exampleAddr(r)] = fmt.Sprintf("%s%06d", r.Prefix, n)
	return recovery.Challenge{Prefix: r.Prefix, Hint: r.Hint}, nil
}

func (l exampleLocationFake) Fetch(ctx context.Context, r recovery.Record, code string) (recovery.Fragment, error) {
	exampleStoreFake.Lock()
	defer exampleStoreFake.Unlock()
	if exampleStoreFake.codes[exampleAddr(r)] != code {
		return nil, errors.New("wrong code")
	}
	return exampleStoreFake.frags[exampleAddr(r)], nil
}

func (l exampleLocationFake) Delete(ctx context.Context, r recovery.Record) error {
	exampleStoreFake.Lock()
	defer exampleStoreFake.Unlock()
	delete(exampleStoreFake.frags, exampleAddr(r))
	return nil
}

package packstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/passcrow/passcrow-desktop/platform"
)

// A pack says which servers its codes and keys go to, and a pack can come
// from anyone (import, recover-ephemeral). So the store remembers which
// servers the user chose: those that protect placed escrows on, and those
// the user agreed to trust by name. A pack naming any other server is
// used only after the user says so.

// ChosenServersEntry is the store entry listing the chosen servers, as
// packs name them (recovery.Client.Server), as a JSON array of strings.
const ChosenServersEntry = "servers.chosen"

// maxChosenServers bounds the list: nobody chooses thousands of servers,
// and a damaged entry must not make every command slow.
const maxChosenServers = 1000

// ChosenServers returns the servers the user chose, in the order first
// chosen. A store without the entry has none.
func ChosenServers(st platform.Store) ([]string, error) {
	b, err := st.Get(ChosenServersEntry)
	if errors.Is(err, platform.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("the list of chosen servers is damaged: %w", err)
	}
	return list, nil
}

// AddChosenServers adds servers to the chosen ones; those already there
// are not repeated.
func AddChosenServers(st platform.Store, servers ...string) error {
	list, err := ChosenServers(st)
	var damaged *json.SyntaxError
	var wrongType *json.UnmarshalTypeError
	switch {
	case errors.As(err, &damaged), errors.As(err, &wrongType):
		list = nil // rewritten from what is known now
	case err != nil:
		return err
	}
	n := len(list)
	for _, s := range servers {
		if s != "" && !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	if len(list) == n && err == nil {
		return nil
	}
	if len(list) > maxChosenServers {
		return fmt.Errorf("more than %d chosen servers", maxChosenServers)
	}
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return st.Put(ChosenServersEntry, b)
}

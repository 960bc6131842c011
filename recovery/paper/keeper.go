package paper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/passcrow/passcrow-desktop/internal/qrscan"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// Keeper reads printed sheets back: typed text, or a photo or scan of
// the QR code.
type Keeper struct{}

var _ recovery.Gatherer = Keeper{}

// Kind is "paper".
func (Keeper) Kind() string { return Kind }

// Asks for the typed text or a picture of the sheet.
func (Keeper) Asks(recovery.Record) recovery.Ask { return recovery.AskText | recovery.AskFile }

// Gather opens the fragment from the typed text or a picture. A typo is
// an error that says where (papercode's errors), never corrected; a
// sheet of another pack is recovery.ErrNotThisPack.
func (Keeper) Gather(ctx context.Context, r recovery.Record, in recovery.Input) (recovery.Fragment, error) {
	d, err := data(r)
	if err != nil {
		return nil, err
	}
	key, err := recovery.DecodeSealKey(d.SealKey)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	text := in.Text
	if in.File != nil {
		text, err = fileText(in.File)
		if err != nil {
			return nil, err
		}
	}
	f, err := recovery.OpenFromText(key, text)
	if errors.Is(err, recovery.ErrWrongFragment) {
		return nil, fmt.Errorf("%w: %w", recovery.ErrNotThisPack, err)
	}
	return f, err
}

// fileText is a picture's QR code, or a text file's text.
func fileText(b []byte) (string, error) {
	if bytes.HasPrefix(b, []byte("\x89PNG")) || bytes.HasPrefix(b, []byte("\xff\xd8")) {
		s, err := qrscan.DecodeBytes(b)
		if err != nil {
			return "", fmt.Errorf("reading the QR code in the picture: %w", err)
		}
		return s, nil
	}
	if bytes.HasPrefix(b, []byte("%PDF")) {
		return "", errors.New("this is the sheet's PDF file; open a photo or scan of the printed sheet, or type its text")
	}
	return string(b), nil
}

// Delete removes the sheet's PDF file if it is still there. Printed
// copies stay; forgetting the pack makes them unreadable.
func (Keeper) Delete(ctx context.Context, r recovery.Record) error {
	d, err := data(r)
	if err != nil {
		return err
	}
	if d.File == "" {
		return nil
	}
	if err := os.Remove(d.File); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing the sheet's file: %w", err)
	}
	return nil
}

func data(r recovery.Record) (recordData, error) {
	var d recordData
	if r.Kind != Kind {
		return d, fmt.Errorf("paper keeper: a record of kind %q", r.Kind)
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return d, fmt.Errorf("the pack's record of this sheet is damaged: %w", err)
	}
	return d, nil
}

package heir

import (
	"encoding/base64"
	"fmt"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// maxCopy bounds the heir's copy of a pack, compressed and sealed: it
// travels in one request and comes back in one answer.
const maxCopy = 32 << 10

// heirCopy is the pack an heir receives: p as it is, but every heir
// record stripped of its heir key and owner token, and the record with
// prefix own (the heir's) holding the heir's fragment f, so the heir
// needs no second code for it and keeps it with the pack.
func heirCopy(p *recovery.Pack, own string, f recovery.Fragment) ([]byte, error) {
	raw, err := p.Marshal()
	if err != nil {
		return nil, err
	}
	cp, err := recovery.ParsePack(raw)
	if err != nil {
		return nil, err
	}
	found := false
	for i, r := range cp.Records {
		if r.Kind != Kind {
			continue
		}
		d, err := decodeRecord(r)
		if err != nil {
			return nil, err
		}
		kept := recordData{Server: d.Server, Generation: d.Generation, DelayDays: d.DelayDays}
		if r.Prefix == own {
			kept.Heir = d.Heir
			kept.Released = base64.StdEncoding.EncodeToString(f)
			found = true
		}
		if cp.Records[i].Data, err = kept.raw(); err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, fmt.Errorf("heir: the pack has no heir record with prefix %q", own)
	}
	out, err := cp.Marshal()
	if err != nil {
		return nil, err
	}
	if len(out) > maxCopy {
		return nil, fmt.Errorf("heir: the pack is %d KiB, too large for the heir's escrow (at most %d KiB): keep a smaller secret in it", len(out)>>10, maxCopy>>10)
	}
	return out, nil
}

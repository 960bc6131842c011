package heir

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/internal/sheet"
	"github.com/passcrow/passcrow-desktop/recovery"
)

// DefaultInstallURL is where the sheet tells an heir to get Passcrow.
const DefaultInstallURL = "https://github.com/passcrow/passcrow-desktop"

// SheetOptions are what the owner adds to an inheritance sheet.
type SheetOptions struct {
	Owner      string // who leaves it; strongly advised
	HeirName   string // the heir's name; optional
	InstallURL string // "" is DefaultInstallURL
	Lang       string // "en" or "is"
	Paper      sheet.Paper
	Date       time.Time // when it is printed; zero is now
	// NoLocations leaves out where the other fragments are.
	NoLocations bool
}

// SheetKey is the sheet's text for an owner's heir record.
func SheetKey(r recovery.Record) (Sheet, error) {
	d, err := decodeRecord(r)
	if err != nil {
		return Sheet{}, err
	}
	k, _, err := d.owner()
	if err != nil {
		return Sheet{}, err
	}
	return Sheet{Server: d.Server, key: k}, nil
}

// WriteSheet writes the inheritance sheet of p's heir record r as a PDF:
// the server and key as text and QR code, plain steps for an heir who has
// never heard of Passcrow, the waiting period, and where the pack's other
// fragments are. The sheet has no end date: renewals keep its key.
func WriteSheet(w io.Writer, p *recovery.Pack, r recovery.Record, o SheetOptions) error {
	s, err := SheetKey(r)
	if err != nil {
		return err
	}
	d, _ := decodeRecord(r)
	title := p.Description
	if title == "" {
		title = p.Name
	}
	url := o.InstallURL
	if url == "" {
		url = DefaultInstallURL
	}
	date := o.Date
	if date.IsZero() {
		date = time.Now()
	}
	_, addr, _ := strings.Cut(d.Heir, ":")
	sh := sheet.InheritanceSheet{
		Title:       title,
		Owner:       o.Owner,
		Heir:        o.HeirName,
		Date:        date,
		Key:         s.String(),
		InstallURL:  url,
		HeirAddress: addr,
		WaitDays:    d.DelayDays,
		Lang:        o.Lang,
	}
	if !o.NoLocations {
		sh.Locations = otherLocations(p, r.Prefix)
	}
	if err := sheet.RenderInheritance(w, sh, o.Paper); err != nil {
		return fmt.Errorf("heir: the sheet: %w", err)
	}
	return nil
}

// otherLocations names where the pack's other fragments are, as the
// pack's hints say it.
func otherLocations(p *recovery.Pack, own string) []string {
	var out []string
	for _, r := range p.Records {
		if r.Prefix == own {
			continue
		}
		h := r.Hint
		if h == "" {
			h = r.Kind
		}
		out = append(out, h)
	}
	return out
}

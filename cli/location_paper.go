package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/passcrow/passcrow-desktop/internal/sheet"
	"github.com/passcrow/passcrow-desktop/recovery/paper"
)

func init() {
	locationKinds["paper"] = locationKind{
		about:  "a printed sheet (a PDF to print): survives lost computers and accounts; recovery needs the sheet, typed or photographed",
		syntax: "paper=DIR[,label=TEXT][,paper=a4|letter][,lang=en|is][,owner=NAME][,list-locations]",
		plan:   planPaper,
	}
}

func planPaper(e *env, s *locSpec, pc *planContext) (*planned, error) {
	dir, err := existingDir(s)
	if err != nil {
		return nil, err
	}
	label, err := s.optOr("label", "")
	if err != nil {
		return nil, err
	}
	size, err := s.choice("paper", "a4", "a4", "letter")
	if err != nil {
		return nil, err
	}
	lang, err := s.choice("lang", pc.lang, "en", "is")
	if err != nil {
		return nil, err
	}
	owner, err := s.optOr("owner", "")
	if err != nil {
		return nil, err
	}
	list, err := s.flag("list-locations")
	if err != nil {
		return nil, err
	}
	l := &paper.Location{Dir: dir, Lang: lang, Owner: owner, Label: label}
	if size == "letter" {
		l.Paper = sheet.Letter
	}
	p := &planned{loc: l}
	p.finish = func(all []*planned) {
		// Several sheets without labels would look alike (and count as
		// one place): they are numbered.
		n, mine := 0, 0
		for _, q := range all {
			if _, ok := q.loc.(*paper.Location); ok {
				n++
				if q.loc == l {
					mine = n
				}
			}
		}
		if l.Label == "" && n > 1 {
			l.Label = fmt.Sprintf("Sheet %d of %d", mine, n)
		}
		p.label = l.Describe()
		if list {
			// The user asked for it: it helps an heir, and tells a
			// finder where the other pieces are.
			for _, q := range all {
				l.Locations = append(l.Locations, q.labelNow())
			}
		}
	}
	return p, nil
}

// labelNow is the plain label, or the location's own words when the
// label is made only by finish.
func (p *planned) labelNow() string {
	if p.label != "" {
		return p.label
	}
	return p.loc.Describe()
}

// existingDir is the folder a --location value names, made absolute: it
// must exist (a USB stick that is not mounted is not a folder to create).
func existingDir(s *locSpec) (string, error) {
	dir, err := filepath.Abs(s.value)
	if err != nil {
		return "", fmt.Errorf("--location %s=%s: %w", s.kind, s.value, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return "", usagef("--location %s=%s: %v", s.kind, s.value, err)
	}
	if !fi.IsDir() {
		return "", usagef("--location %s=%s: not a folder", s.kind, s.value)
	}
	return dir, nil
}

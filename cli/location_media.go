package cli

import (
	"github.com/passcrow/passcrow-desktop/recovery/media"
)

func init() {
	locationKinds["media"] = locationKind{
		about:  "a file on a USB stick or other media you keep apart: survives lost accounts; recovery needs the stick",
		syntax: "media=DIR[,label=TEXT][,file=NAME][,lang=en|is]",
		plan:   planMedia,
	}
}

func planMedia(e *env, s *locSpec, pc *planContext) (*planned, error) {
	dir, err := existingDir(s)
	if err != nil {
		return nil, err
	}
	label, err := s.optOr("label", "")
	if err != nil {
		return nil, err
	}
	file, err := s.optOr("file", "")
	if err != nil {
		return nil, err
	}
	lang, err := s.choice("lang", pc.lang, "en", "is")
	if err != nil {
		return nil, err
	}
	l := &media.Location{Dir: dir, FileName: file, Label: label, Language: lang}
	plain := "a file in " + dir
	if label != "" {
		plain += " (" + label + ")"
	}
	return &planned{loc: l, label: plain}, nil
}

package screens

import (
	"bufio"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// Help ▸ Guides lists the guides installed with the app and opens one
// in the system's viewer. They are looked for where an installation
// keeps them (docsDirs); with none installed, Help says so and points
// to the web site, never to an empty list.

// Help is the guides dialog.
type Help struct {
	Dialog *dialog.CustomDialog
	// Guides are the links to the guides found, by title.
	Guides []*widget.Hyperlink
}

// A guide is one document of the docs folder.
type guide struct {
	Title string
	URL   *url.URL
}

// docsDirs are where the guides may be, first found first: docs/ next
// to the executable (the Linux archive, the Windows folder, a build in
// the source tree), then ../share/doc/passcrow beside its bin/ (the
// .deb, make install). Tests set it.
var docsDirs = func() []string {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return docsDirsBeside(exe)
}

// docsDirsBeside are the docs folders of the executable exe, in the
// order they are tried (scripts/release.sh installs the guides there).
func docsDirsBeside(exe string) []string {
	dir := filepath.Dir(exe)
	return []string{filepath.Join(dir, "docs"), filepath.Join(dir, "..", "share", "doc", "passcrow")}
}

// guideExts are the kinds of file a system viewer opens as a guide.
var guideExts = []string{".md", ".html", ".pdf", ".txt"}

// findGuides lists the guides of the first docs folder that has any.
func findGuides() []guide {
	for _, dir := range docsDirs() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		var gs []guide
		for _, e := range entries {
			if e.IsDir() || !slices.Contains(guideExts, strings.ToLower(filepath.Ext(e.Name()))) {
				continue
			}
			path, err := filepath.Abs(filepath.Join(dir, e.Name()))
			if err != nil {
				continue
			}
			u, err := url.Parse(storage.NewFileURI(path).String())
			if err != nil {
				continue
			}
			gs = append(gs, guide{Title: guideTitle(path), URL: u})
		}
		if len(gs) > 0 {
			slices.SortFunc(gs, func(a, b guide) int { return strings.Compare(a.Title, b.Title) })
			return gs
		}
	}
	return nil
}

// guideTitle is a Markdown guide's first heading, else its file name
// without the extension.
func guideTitle(path string) string {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if !strings.EqualFold(filepath.Ext(path), ".md") {
		return name
	}
	f, err := os.Open(path)
	if err != nil {
		return name
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 0; n < 20 && sc.Scan(); n++ {
		if t, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "# "); ok && t != "" {
			return t
		}
	}
	return name
}

// ShowHelp lists the guides installed with the app.
func (u *UI) ShowHelp() *Help {
	h := &Help{}
	box := container.NewVBox()
	gs := findGuides()
	if len(gs) == 0 {
		box.Add(para(lang.L("The guides are not installed with this copy of Passcrow. You can read them on the web:")))
		box.Add(widget.NewHyperlink("passcrow.is", siteURL))
	} else {
		box.Add(para(lang.L("Guides installed with Passcrow; each opens in your usual viewer:")))
		for _, g := range gs {
			l := widget.NewHyperlink(g.Title, g.URL)
			h.Guides = append(h.Guides, l)
			box.Add(l)
		}
	}
	h.Dialog = dialog.NewCustom(lang.L("Help"), lang.L("Close"), container.NewVScroll(box), u.Win)
	h.Dialog.Resize(fyne.NewSize(520, 360))
	h.Dialog.Show()
	return h
}

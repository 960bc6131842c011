package screens

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/passcrow/passcrow-desktop/internal/atomicfile"
)

// SaveFile saves what the user chose to keep (a recovered secret, a
// pack) as the command line does (internal/atomicfile): mode 0600 from
// the start, written whole beside the target and then renamed into
// place, so a half-written file is never left, and a link at the chosen
// name is replaced, never followed to where it points. Fyne's save dialog
// cannot do that: it opens the file itself (following links, truncating,
// mode 0644 after the umask) before it hands it over. So the folder is
// typed or picked with Fyne's folder dialog, which opens no file, and the
// name is typed here.
type SaveFile struct {
	ui     *UI
	Folder *dialogEntry
	Browse *widget.Button
	Name   *dialogEntry
	Save   *widget.Button
	Cancel *widget.Button
	Error  *widget.Label

	dlg     dialog.Dialog
	data    []byte
	done    func(path string)
	replace string        // the file the user agreed to replace
	saved   chan struct{} // closed when the last save finished (tests wait on it)
}

// saveFile asks where to save data, suggesting a file name made from
// name, and calls done with the file's path once it is saved.
func (u *UI) saveFile(title, name string, data []byte, done func(path string)) *SaveFile {
	f := &SaveFile{ui: u, data: data, done: done}
	f.Folder = u.newDialogEntry()
	f.Folder.SetText(u.saveDir())
	f.Name = u.newDialogEntry()
	f.Name.SetText(fileNameFor(name))
	f.Folder.OnChanged = func(string) { f.reset() }
	f.Name.OnChanged = func(string) { f.reset() }
	f.Name.OnSubmitted = func(string) { f.onSave() }
	f.Browse = widget.NewButtonWithIcon(lang.L("Choose…"), theme.FolderOpenIcon(), f.onBrowse)
	f.Error = para("")
	f.Error.Importance = widget.DangerImportance
	f.Save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), f.onSave)
	f.Save.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(lang.L("Cancel"), func() { f.dlg.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Folder"), container.NewBorder(nil, nil, nil, f.Browse, f.Folder)),
		widget.NewFormItem(lang.L("File name"), f.Name),
	)
	content := container.NewVBox(
		form,
		para(lang.L("Only you can read the file (mode 600).")),
		f.Error,
		container.NewHBox(layout.NewSpacer(), f.Cancel, f.Save),
	)
	f.dlg = dialog.NewCustomWithoutButtons(title, content, u.Win)
	f.dlg.Resize(fyne.NewSize(560, 0))
	f.dlg.Show()
	u.Win.Canvas().Focus(f.Name)
	u.saving = f
	return f
}

// saveDir is where the last file was saved in this session, else the
// user's home folder.
func (u *UI) saveDir() string {
	if u.lastSaveDir != "" {
		return u.lastSaveDir
	}
	if home, err := os.UserHomeDir(); err == nil {
		return home
	}
	return ""
}

// reset forgets a confirmed replacement once the folder or name changed.
func (f *SaveFile) reset() {
	if f.replace != "" {
		f.replace = ""
		f.Save.SetText(lang.L("Save"))
		f.Error.SetText("")
	}
}

func (f *SaveFile) onBrowse() {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			f.ui.showError(err)
			return
		}
		if l != nil {
			f.Folder.SetText(l.Path())
		}
	}, f.ui.Win)
	if l, err := storage.ListerForURI(storage.NewFileURI(strings.TrimSpace(f.Folder.Text))); err == nil {
		d.SetLocation(l)
	}
	d.Show()
}

func (f *SaveFile) onSave() {
	dir, name := strings.TrimSpace(f.Folder.Text), strings.TrimSpace(f.Name.Text)
	if err := checkFileName(name); err != nil {
		f.Error.SetText(lang.L("Type a file name, without a folder in it."))
		return
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || !filepath.IsAbs(dir) {
		f.Error.SetText(lang.L("There is no folder {{.Folder}}. Type the whole path of a folder, or choose one.", map[string]any{"Folder": dir}))
		return
	}
	path := filepath.Join(dir, name)
	if fi, err := os.Lstat(path); err == nil {
		if fi.IsDir() {
			f.Error.SetText(lang.L("{{.Name}} is a folder in there. Type another name.", map[string]any{"Name": name}))
			return
		}
		if f.replace != path {
			f.replace = path
			f.Error.SetText(lang.L("There is already a {{.Name}} in that folder. Save again to replace it.", map[string]any{"Name": name}))
			f.Save.SetText(lang.L("Replace"))
			return
		}
	}
	f.Save.Disable()
	f.saved = make(chan struct{})
	saved, data := f.saved, f.data
	go func() {
		defer close(saved)
		err := atomicfile.WriteFile(path, data)
		f.ui.doAndWait(func() {
			f.Save.Enable()
			if err != nil {
				f.Error.SetText(lang.L("Could not save the file: {{.Err}}", map[string]any{"Err": errText(err)}))
				return
			}
			f.ui.lastSaveDir = dir
			f.dlg.Hide()
			f.done(path)
		})
	}()
}

// checkFileName accepts a file's name alone: no folder in it, and not
// one that means a folder.
func checkFileName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`+"\x00") || filepath.Base(name) != name {
		return errors.New("not a file name")
	}
	return nil
}

// fileNameFor makes an item's name (which an imported pack chose) into a
// file name to suggest: no folder separators or control characters.
func fileNameFor(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if checkFileName(name) != nil {
		return "passcrow"
	}
	return name
}

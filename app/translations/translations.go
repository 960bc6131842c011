// Package translations holds the app's strings in English and Icelandic,
// as flat JSON keyed by the English text, and loads them into fyne's lang.
package translations

import (
	"embed"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

//go:embed *.json
var files embed.FS

// Languages are the codes with a translation file, in the order the
// settings offer them.
var Languages = []string{"en", "is"}

// Load adds the translations. With force set to a language code, that
// language is used whatever the system's locale: fyne picks the closest
// loaded language to the system's, so every language is loaded with the
// forced one's strings.
func Load(force string) error {
	for _, l := range Languages {
		// Not lang.AddTranslationsFS(files, "."): it reads "./en.json",
		// which an embed.FS refuses.
		code := l
		if force != "" {
			code = force
		}
		data, err := files.ReadFile(code + ".json")
		if err != nil {
			return fmt.Errorf("no translation for %q", code)
		}
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(l)); err != nil {
			return err
		}
	}
	return nil
}

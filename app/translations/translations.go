// Package translations holds the app's strings in English and Icelandic,
// as flat JSON keyed by the English text, and loads them into fyne's lang.
package translations

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/passcrow/passcrow-desktop/internal/localefix"

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
	// Each language added makes Fyne read the locale again; on C.UTF-8
	// it would log an error each time (see localefix).
	localefix.Strip()
	defer localefix.Restore()
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

// english is the set of the app's own strings, the keys of en.json.
var english = sync.OnceValue(func() map[string]string {
	var m map[string]string
	data, err := files.ReadFile("en.json")
	if err == nil {
		err = json.Unmarshal(data, &m)
	}
	if err != nil {
		panic(fmt.Sprintf("en.json: %v", err)) // embedded: a broken build
	}
	return m
})

// Known reports whether msg is one of the app's own strings (a key of
// en.json without placeholders): an error with such a text is already
// in plain words.
func Known(msg string) bool {
	_, ok := english()[msg]
	return ok && !strings.Contains(msg, "{{")
}

// Text is msg in the user's language when msg is one of the app's own
// strings (an error of ours, such as "choose at least one server"), else
// msg as it is. Text from elsewhere (a server's answer, an error holding
// what the user typed) must never be a lookup key: outside English fyne
// logs a key it cannot find, with the text, and every key is parsed as a
// template, so "{{...}}" in it would be run. Keys with placeholders are
// not looked up either, as there is no data for them here.
func Text(msg string) string {
	if !Known(msg) {
		return msg
	}
	return lang.L(msg)
}

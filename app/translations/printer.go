package translations

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/template"

	"fyne.io/fyne/v2/lang"

	"github.com/passcrow/passcrow-desktop/internal/localefix"
)

// A Printer gives the app's strings in one language without fyne's
// global translations, for the command line (`passcrow remind` shows a
// notification with no app running). Keys and templates are the same as
// lang.L's, so a string has one entry for the app and the command line.
type Printer struct {
	Language string
	m        map[string]string
}

// In is a Printer for code ("en", "is"); "" or a language without a
// file picks SystemLanguage, as the app does when none is chosen.
func In(code string) Printer {
	if !slices.Contains(Languages, code) {
		code = SystemLanguage()
	}
	var m map[string]string
	data, err := files.ReadFile(code + ".json")
	if err == nil {
		err = json.Unmarshal(data, &m)
	}
	if err != nil {
		panic(fmt.Sprintf("%s.json: %v", code, err)) // embedded: a broken build
	}
	return Printer{Language: code, m: m}
}

// SystemLanguage is the language of ours that the system's locale asks
// for, as fyne matches it for the app, else English.
func SystemLanguage() string {
	localefix.Strip()
	defer localefix.Restore()
	code, _, _ := strings.Cut(lang.SystemLocale().String(), "-")
	if slices.Contains(Languages, code) {
		return code
	}
	return "en"
}

// L is key in p's language with data filled in, as lang.L does. A key
// without a translation is shown in English. Data is text, never a
// template: it may hold an item's name or a server's answer.
func (p Printer) L(key string, data ...map[string]any) string {
	text, ok := p.m[key]
	if !ok {
		text = key
	}
	if !strings.Contains(text, "{{") {
		return text
	}
	var d map[string]any
	if len(data) > 0 {
		d = data[0]
	}
	t, err := template.New("").Option("missingkey=zero").Parse(text)
	if err != nil {
		return key
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return key
	}
	return b.String()
}

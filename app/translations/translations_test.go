package translations

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
)

func load(t *testing.T, code string) map[string]string {
	t.Helper()
	b, err := files.ReadFile(code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

var placeholder = regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}`)

// TestIcelandicIsComplete: every English string has an Icelandic one
// with the same placeholders, and none is left in English by mistake.
func TestIcelandicIsComplete(t *testing.T) {
	en, is := load(t, "en"), load(t, "is")
	for k := range en {
		v, ok := is[k]
		if !ok {
			t.Errorf("is.json lacks %q", k)
			continue
		}
		a, b := placeholder.FindAllString(k, -1), placeholder.FindAllString(v, -1)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%q: placeholders %v in English, %v in Icelandic", k, a, b)
		}
		if v == k && len(k) > 12 {
			t.Errorf("%q is not translated", k)
		}
	}
	for k := range is {
		if _, ok := en[k]; !ok {
			t.Errorf("is.json has %q, which en.json does not", k)
		}
	}
}

// translated are the files whose user-visible strings go through lang.L
// (the screens) or a Printer named tr (the login reminder).
func translated(t *testing.T) []string {
	paths, _ := filepath.Glob("../../screens/*.go")
	if len(paths) == 0 {
		t.Fatal("no screens found")
	}
	return append(paths, "../../cli/remind.go")
}

// lookup reports whether sel is a translation lookup: lang.X or tr.X.
func lookup(sel *ast.SelectorExpr) bool {
	id, ok := sel.X.(*ast.Ident)
	return ok && (id.Name == "lang" || id.Name == "tr")
}

// TestEveryScreenStringIsInEnglish: every literal passed to lang.L in
// screens/ (and tr.L in the reminder) has an entry, so nothing shows an
// untranslated string.
func TestEveryScreenStringIsInEnglish(t *testing.T) {
	en := load(t, "en")
	paths := translated(t)
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") || strings.HasSuffix(p, "tour.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" {
				return true
			}
			if !lookup(sel) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := en[s]; !ok {
				t.Errorf("%s: %q is not in en.json", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
}

// TestLoadFollowsSystem: with no language forced every translation
// loads (it failed on the embedded files' paths once, unnoticed, since
// the English keys showed anyway).
func TestLoadFollowsSystem(t *testing.T) {
	if err := Load(""); err != nil {
		t.Fatal(err)
	}
}

// TestForcedIcelandic: with the language set to Icelandic the strings
// come out in Icelandic whatever the system's locale. It changes fyne's
// global translations, so it runs last in this package on its own.
func TestForcedIcelandic(t *testing.T) {
	if err := Load("is"); err != nil {
		t.Fatal(err)
	}
	got := lang.L("{{.Got}} of {{.Need}} received", map[string]any{"Got": 2, "Need": 3})
	if got != "2 af 3 komnir" {
		t.Fatalf("got %q", got)
	}
}

// TestScreensUseFixedKeys: screens/ looks up only fixed strings (a
// literal or a constant), never runtime text such as an error's message:
// outside English fyne logs a key it cannot find, with its text (which
// may hold a typed code or a server's answer), and parses every key as a
// template. Runtime text goes in as template data, or through Text.
func TestScreensUseFixedKeys(t *testing.T) {
	paths := translated(t)
	fset := token.NewFileSet()
	var files []*ast.File
	consts := map[string]bool{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, s := range g.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						consts[n.Name] = true
					}
				}
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no screens found")
	}
	lookups := map[string]bool{"L": true, "N": true, "X": true, "XN": true, "Localize": true, "LocalizePlural": true, "LocalizeKey": true, "LocalizePluralKey": true}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !lookups[sel.Sel.Name] {
				return true
			}
			if !lookup(sel) {
				return true
			}
			switch a := call.Args[0].(type) {
			case *ast.BasicLit:
				return true
			case *ast.Ident:
				if consts[a.Name] {
					return true
				}
			}
			t.Errorf("%s: lang.%s with a key that is not a fixed string", fset.Position(call.Pos()), sel.Sel.Name)
			return true
		})
	}
}

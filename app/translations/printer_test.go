package translations

import "testing"

// TestPrinter: a Printer fills in data in its own language, leaves data
// that looks like a template alone, and shows a key it lacks in English.
func TestPrinter(t *testing.T) {
	is := In("is")
	if got := is.L("{{.Got}} of {{.Need}} received", map[string]any{"Got": 2, "Need": 3}); got != "2 af 3 komnir" {
		t.Errorf("Icelandic: %q", got)
	}
	if got := In("en").L("{{.Got}} of {{.Need}} received", map[string]any{"Got": "{{.Need}}", "Need": 3}); got != "{{.Need}} of 3 received" {
		t.Errorf("data was read as a template: %q", got)
	}
	if got := is.L("not a key of ours"); got != "not a key of ours" {
		t.Errorf("a missing key: %q", got)
	}
}

// TestSystemLanguage: with no language chosen, the system's locale picks
// it, as it does for the app; C.UTF-8 and languages without a file are
// English.
func TestSystemLanguage(t *testing.T) {
	for env, want := range map[string]string{"is_IS.UTF-8": "is", "en_GB.UTF-8": "en", "C.UTF-8": "en", "de_DE.UTF-8": "en"} {
		t.Setenv("LC_ALL", env)
		t.Setenv("LANGUAGE", "")
		if got := In("").Language; got != want {
			t.Errorf("LC_ALL=%s: %q, want %q", env, got, want)
		}
	}
}

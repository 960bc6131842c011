package recovery

import (
	"strings"
	"testing"
)

func TestCheckActionURL(t *testing.T) {
	long := "https://passcrow.example.org/verify?t=" + strings.Repeat("a", MaxActionURLLength)
	for _, tc := range []struct {
		raw  string
		want string // "" accepts; else a word the refusal must use
	}{
		{"https://passcrow.example.org/verify?t=abc#x", ""},
		{"https://passcrow.example.org:8443/v", ""},
		{"HTTPS://passcrow.example.org/", ""},
		{"https://xn--bcher-kva.example/", ""}, // IDN written as punycode
		{"http://127.0.0.1:8080/verify", ""},
		{"http://127.9.9.9/", ""},
		{"http://[::1]:8080/verify", ""},
		{"https://passcrow.example.org/" + strings.Repeat("a", MaxActionURLLength-40), ""},

		{"", "empty"},
		{"file:///etc/passwd", `"file" link`},
		{"file://attacker.example/share/x.exe", `"file" link`},
		{"smb://attacker.example/share", `"smb" link`},
		{`\\attacker.example\share`, "backslash"},
		{`https://passcrow.example.org\@attacker.example/`, "backslash"},
		{"search-ms:query=invoice&crumb=location:\\\\attacker.example\\share", "backslash"},
		{"search-ms:query=invoice&crumb=location:attacker.example", `"search-ms" link`},
		{"ms-msdt:/id PCWDiagnostic", "space"},
		{"javascript:alert(document.cookie)", `"javascript" link`},
		{"JavaScript:alert(1)", `"javascript" link`},
		{"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", `"data" link`},
		{"vbscript:msgbox", `"vbscript" link`},
		{"mailto:alice@example.org", `"mailto" link`},
		{"http://localhost:8080/verify", "plain http"},
		{"http://localhost./", "plain http"},
		{"http://passcrow.example.org/verify", "plain http"},
		{"http://10.0.0.1/", "plain http"},
		{"http://127.1/", "plain http"},
		{"https://user@passcrow.example.org/", "user name"},
		{"https://bank.example:pw@attacker.example/", "user name"},
		{"https://passcrow.example.org@attacker.example/", "user name"},
		{long, "long"},
		{"https://bücher.example/", "non-ASCII"},
		{"https://pаypal.example/", "non-ASCII"}, // Cyrillic а
		{"https://passcrow.example.org/\u202egpj.exe", "invisible"},
		{"https://passcrow.example.org/\x00", "control"},
		{"https://passcrow.example.org/\n", "control"},
		{"https://passcrow.example.org/a b", "space"},
		{"https://passcrow.example.org/\xff", "not valid text"},
		{"https:", "no host"},
		{"https:///path", "no host"},
		{"https:passcrow.example.org", "no host"},
		{"//passcrow.example.org/", "not a web address"},
		{"passcrow.example.org/verify", "not a web address"},
		{"https://[::1/", "not a URL"},
	} {
		u, err := CheckActionURL(tc.raw)
		short := quoteShort(tc.raw)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckActionURL(%s) refused: %v", short, err)
		case tc.want == "" && (u == nil || u.Host == ""):
			t.Errorf("CheckActionURL(%s) = %v, want a URL with a host", short, u)
		case tc.want != "" && err == nil:
			t.Errorf("CheckActionURL(%s) = %v, want it refused", short, u)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("CheckActionURL(%s) = %q, want it to say %q", short, err, tc.want)
		case err != nil && len(err.Error()) > 300:
			t.Errorf("CheckActionURL(%s): error of %d bytes repeats the input", short, len(err.Error()))
		}
	}
}

// A link that passes comes out printable ASCII, ready to show.
func FuzzCheckActionURL(f *testing.F) {
	f.Add("https://passcrow.example.org/v?a=1#b")
	f.Add("http://127.0.0.1:1/")
	f.Add("https://ex.org/ü?ü#ü")
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := CheckActionURL(raw)
		if err != nil {
			return
		}
		s := u.String()
		for _, r := range s {
			if r < 0x21 || r > 0x7e || r == '\\' {
				t.Fatalf("CheckActionURL(%q) passed, String() %q has %q", raw, s, r)
			}
		}
		if u.Scheme != "https" && u.Scheme != "http" || u.User != nil || u.Host == "" {
			t.Fatalf("CheckActionURL(%q) passed %v", raw, u)
		}
	})
}

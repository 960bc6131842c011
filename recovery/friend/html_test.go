package friend

import (
	"context"
	"strings"
	"testing"

	"github.com/passcrow/passcrow-desktop/recovery"
)

func TestHTMLText(t *testing.T) {
	for in, want := range map[string]string{
		"<p>Here:</p><p>PC1 ABCD</p>":                    " Here:  PC1 ABCD ",
		"a<script>x</script>b":                           "a b",
		"a<SCRIPT type=x>if (a<b) {}</Script >b":         "a b",
		"a<style>p{}</style>b<br>c":                      "a b c",
		"a<scripts>b":                                    "a b",
		"a<script>b":                                     "a b",
		"a<b":                                            "a<b",
		"x &amp; y &lt;p&gt;":                            "x & y <p>",
		"<script>never closed <p>PC1 ABCD</p>":           " never closed  PC1 ABCD ",
		"Þórður <i>ÍSLAND</i>":                           "Þórður  ÍSLAND ",
		"<style>a</script>b</style>c<script>d</script>e": " c e",
		"<<<<": "<<<<",
		"<a href='x'>link</a> <img src=x onerror=alert(1)>": " link   ",
	} {
		if got := htmlText(in); got != want {
			t.Errorf("htmlText(%q) = %q, want %q", in, got, want)
		}
	}
}

// A mail part of unclosed "<script>" tags costs one pass. With a regular
// expression it cost a scan to the end of the part at each tag: hours
// for these 4 MB (run with -timeout to see it fail that way).
func TestHTMLTextHostileTagsAreLinear(t *testing.T) {
	_, code, r, f := letterFixture(t)
	for _, tag := range []string{"<script>", "<style>", "<script", "<"} {
		body := strings.Repeat(tag, 4<<20/len(tag)) + "<p>" + strings.ReplaceAll(code, "\n", "<br>\n")
		mail := "From: bob@example.net\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
		got, err := Keeper{}.Gather(context.Background(), r, recovery.Input{File: []byte(mail)})
		if err != nil || string(got) != string(f) {
			t.Errorf("%q: %v", tag, err)
		}
	}
}

package mailbox

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// TestDraftRoundTrip: what Place writes, parts reads back: the
// attachment first, in 7bit and in base64, and the text decoded.
func TestDraftRoundTrip(t *testing.T) {
	a := Account{Host: "imap.example.org", Security: TLS, Username: "alice@example.org", Folder: DefaultFolder}
	for _, data := range [][]byte{
		[]byte("PC1QYZNGQYWZ3GJTX8GAGDYPQG\n"),
		bytes.Repeat([]byte("ünïcode and a very long line "), 40),
	} {
		d := fragmentDraft(a, "0123456789abcdef0123456789abcdef", "", "Þórður's\r\nBcc: evil@example.com", time.Unix(1700000000, 0))
		d.file.data = data
		raw := d.bytes()
		if bytes.Contains(raw, []byte("\nBcc:")) {
			t.Fatalf("a description with a line end made a header:\n%s", raw)
		}
		if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
			t.Error("a bare LF in the message")
		}
		ps, err := parts(raw, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 2 || !ps[0].attachment || ps[0].name != fragmentFile || !bytes.Equal(bytes.ReplaceAll(ps[0].data, []byte("\r\n"), []byte("\n")), data) {
			t.Fatalf("parts: %+v", ps)
		}
		if !strings.Contains(string(ps[1].data), `recover "Þórður'sBcc: evil@example.com" if`) {
			t.Errorf("the text reads:\n%s", ps[1].data)
		}
	}
}

// TestPartsHostile: messages made to cost: too deep, too many parts, a
// part too large. parts stays within its limits and keeps what fits.
func TestPartsHostile(t *testing.T) {
	deep := "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
	for i := range 10 {
		deep += "--b" + string(rune('0'+i)) + "\r\nContent-Type: multipart/mixed; boundary=b" + string(rune('1'+i)) + "\r\n\r\n"
	}
	deep += "--b:\r\nContent-Disposition: attachment; filename=x\r\n\r\nhidden\r\n"
	ps, err := parts([]byte(deep), 1024)
	if err != nil || len(ps) != 0 {
		t.Errorf("too deep: %d parts, %v; want none", len(ps), err)
	}

	var many strings.Builder
	many.WriteString("Content-Type: multipart/mixed; boundary=b\r\n\r\n")
	for range 1000 {
		many.WriteString("--b\r\nContent-Disposition: attachment; filename=x\r\n\r\nx\r\n")
	}
	many.WriteString("--b--\r\n")
	if ps, _ := parts([]byte(many.String()), 1024); len(ps) >= maxParts {
		t.Errorf("%d parts read, want fewer than %d", len(ps), maxParts)
	}

	big := "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Disposition: attachment; filename=big\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(make([]byte, 5000)) + "\r\n--b\r\nContent-Disposition: attachment; filename=small\r\n\r\nok\r\n--b--\r\n"
	ps, err = parts([]byte(big), 1024)
	if err != nil || len(ps) != 1 || ps[0].name != "small" {
		t.Errorf("a part over the limit: %+v, %v; want only the small one", ps, err)
	}
}

func FuzzParts(f *testing.F) {
	a := Account{Host: "h", Security: TLS, Username: "u", Folder: DefaultFolder}
	f.Add(fragmentDraft(a, "id", "PC1XYZ", "d", time.Unix(0, 0)).bytes())
	f.Add(packDraft(a, "hash", "name", []byte("{}"), time.Unix(0, 0)).bytes())
	f.Add([]byte("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ps, _ := parts(raw, 4096)
		for _, p := range ps {
			if len(p.data) > 4096 {
				t.Fatalf("a part of %d bytes", len(p.data))
			}
		}
		readPackCopy(raw)
	})
}

func TestAccountNormalized(t *testing.T) {
	for _, tc := range []struct {
		a    Account
		ok   bool
		port int
	}{
		{Account{Host: "imap.example.org", Security: TLS, Username: "a"}, true, 993},
		{Account{Host: "imap.example.org", Security: StartTLS, Username: "a"}, true, 143},
		{Account{Host: "[::1]", Security: Plain, Username: "a", Port: 1143}, true, 1143},
		{Account{Host: "Ísland.example", Security: TLS, Username: "a"}, true, 993},
		{Account{Host: "imap.example.org:993", Security: TLS, Username: "a"}, false, 0},
		{Account{Host: "a@b", Security: TLS, Username: "a"}, false, 0},
		{Account{Host: "", Security: TLS, Username: "a"}, false, 0},
		{Account{Host: "h", Security: "ssl", Username: "a"}, false, 0},
		{Account{Host: "h", Username: "a"}, false, 0},
		{Account{Host: "h", Security: TLS, Username: ""}, false, 0},
		{Account{Host: "h", Security: TLS, Username: "a\r\nb"}, false, 0},
		{Account{Host: "h", Security: TLS, Username: "a", Port: 70000}, false, 0},
		{Account{Host: "h", Security: TLS, Username: "a", Folder: "INBOX"}, false, 0},
		{Account{Host: "h", Security: TLS, Username: "a", Folder: "Pass*"}, false, 0},
		{Account{Host: "h", Security: TLS, Username: "a", Auth: "cram-md5"}, false, 0},
	} {
		got, err := tc.a.normalized()
		if (err == nil) != tc.ok || tc.ok && (got.Port != tc.port || got.Folder != DefaultFolder) {
			t.Errorf("%+v: %+v, %v", tc.a, got, err)
		}
	}
}

func TestLoopbackIP(t *testing.T) {
	for h, want := range map[string]bool{
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "::ffff:127.0.0.1": true,
		"localhost": false, "192.0.2.1": false, "10.0.0.1": false, "imap.example.org": false, "": false,
	} {
		if got := loopbackIP(h); got != want {
			t.Errorf("loopbackIP(%q) = %v", h, got)
		}
	}
}

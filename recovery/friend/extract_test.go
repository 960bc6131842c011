package friend

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/passcrow/passcrow-desktop/recovery"
)

// letterFixture is a letter as Place composes it, with its record.
func letterFixture(t testing.TB) (raw []byte, code string, r recovery.Record, f recovery.Fragment) {
	t.Helper()
	key, _ := recovery.NewSealKey()
	f = recovery.Fragment(bytes.Repeat([]byte{7}, 33))
	sealed, err := sealText(key, f)
	if err != nil {
		t.Fatal(err)
	}
	code = printed(sealed)
	l, err := letterFor("en", "Alice", "alice@example.org", "Bob", "passcrow-fragment-x.txt")
	if err != nil {
		t.Fatal(err)
	}
	raw, err = compose(&mail.Address{Name: "Alice", Address: "alice@example.org"}, &mail.Address{Address: "bob@example.net"}, l, "passcrow-fragment-x.txt", code, time.Unix(1e9, 0))
	if err != nil {
		t.Fatal(err)
	}
	data := fmt.Sprintf(`{"seal-key":%q}`, recovery.EncodeSealKey(key))
	return raw, code, recovery.Record{Kind: Kind, Prefix: "A", Data: []byte(data)}, f
}

func wrapRFC822(inner []byte) []byte {
	return []byte("From: bob@example.net\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--b\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + string(inner) + "\r\n--b--\r\n")
}

// TestGatherFindsTheFragment: the ways a friend may send it back.
func TestGatherFindsTheFragment(t *testing.T) {
	raw, code, r, f := letterFixture(t)
	quoted := "> " + strings.ReplaceAll(code, "\n", "\n> ")
	for name, in := range map[string]recovery.Input{
		"the letter itself":    {File: raw},
		"forward of a forward": {File: wrapRFC822(wrapRFC822(raw))},
		"letter attached as a file": {File: []byte("From: bob@example.net\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n" +
			"Content-Type: application/octet-stream; name=\"letter.eml\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString(raw) + "\r\n--b--\r\n")},
		"pasted in an HTML reply": {File: []byte("From: bob@example.net\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Here:</p><p>" +
			strings.ReplaceAll(code, "\n", "<br>\n") + "</p>")},
		// Quote marks on every line of a wrapped code: the code reader
		// stops at '>', so the lines are unquoted first.
		"wrapped code quoted in a reply": {File: []byte("From: bob@example.net\r\nSubject: Re: keep this\r\n\r\nHere it is:\r\n\r\n" +
			strings.ReplaceAll(quoted, "\n", "\r\n") + "\r\n")},
		"wrapped code quoted, typed":   {Text: "On Monday Alice wrote:\n" + quoted + "\n> \n"},
		"the code alone, lower case":   {Text: strings.ToLower(code)},
		"a bare attachment file":       {File: []byte("Passcrow recovery piece kept for Alice.\r\n\r\n" + code + "\r\n"), FileName: "passcrow-fragment-x.txt"},
		"a saved note, colon first":    {File: []byte("Code: " + strings.ReplaceAll(code, "\n", " ") + "\n")},
		"unknown charset in the reply": {File: []byte("From: b@x\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n" + code + "\r\n")},
	} {
		got, err := Keeper{}.Gather(context.Background(), r, in)
		if err != nil || !bytes.Equal(got, f) {
			t.Errorf("%s: Gather = %x, %v", name, got, err)
		}
	}
}

// TestGatherNotThisPack: a mail with no fragment anywhere it is read
// (headers are not) is "not this pack's", never a damaged fragment.
func TestGatherNotThisPack(t *testing.T) {
	_, _, r, _ := letterFixture(t)
	for name, file := range map[string][]byte{
		"a plain mail": []byte("From: b@x\r\nX-Junk: PC1QQQQQQQQ\r\nContent-Type: text/plain\r\n\r\nhello\r\n"),
		"forwarded, PC1 in the forwarded mail's header": wrapRFC822([]byte("From: b@x\r\nX-Junk: PC1QQQQQQQQ\r\nContent-Type: text/plain\r\n\r\nhello\r\n")),
		"not a mail at all":                             {0xff, 0xd8, 0xff, 0xe0},
		"an empty file":                                 {},
		"a truncated letter":                            []byte("From: b@x\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi"),
	} {
		_, err := Keeper{}.Gather(context.Background(), r, recovery.Input{File: file, FileName: "x.eml"})
		if !errors.Is(err, recovery.ErrNotThisPack) || errors.Is(err, recovery.ErrWrongFragment) {
			t.Errorf("%s: Gather = %v, want ErrNotThisPack only", name, err)
		}
	}
	if _, err := (Keeper{}).Gather(context.Background(), r, recovery.Input{File: make([]byte, maxInput+1)}); !errors.Is(err, errTooLarge) {
		t.Errorf("a huge file: %v, want errTooLarge", err)
	}
}

// TestPlacesBounded: hostile nesting and part counts stay within the
// limits instead of costing unbounded work.
func TestPlacesBounded(t *testing.T) {
	raw, _, _, _ := letterFixture(t)
	deep := raw
	for range 200 {
		deep = wrapRFC822(deep)
	}
	if got, err := places(recovery.Input{File: deep}); err != nil || len(got) > maxTexts {
		t.Errorf("200 nested forwards: %d texts, %v", len(got), err)
	}
	var many bytes.Buffer
	many.WriteString("From: b@x\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n")
	for i := range 20000 {
		fmt.Fprintf(&many, "--b\r\nContent-Type: text/plain\r\n\r\nPC1 QQQQ %d\r\n", i)
	}
	many.WriteString("--b--\r\n")
	if got, err := places(recovery.Input{File: many.Bytes()}); err != nil || len(got) > maxTexts {
		t.Errorf("20000 parts: %d texts, %v", len(got), err)
	}
}

func FuzzGather(f *testing.F) {
	raw, code, r, _ := letterFixture(f)
	f.Add(raw, "")
	f.Add(wrapRFC822(raw), "")
	f.Add([]byte(code), "> "+code)
	f.Add([]byte("From: a\r\nContent-Type: message/rfc822\r\n\r\nFrom: b\r\n\r\nPC1"), "")
	f.Fuzz(func(t *testing.T, file []byte, text string) {
		got, err := places(recovery.Input{File: file, Text: text})
		if err == nil && len(got) > maxTexts {
			t.Fatalf("%d texts", len(got))
		}
		_, err = Keeper{}.Gather(context.Background(), r, recovery.Input{File: file, Text: text})
		if err == nil && !strings.Contains(strings.ToUpper(string(file)+text), "PC1") && !bytes.Contains(file, []byte("base64")) {
			t.Fatalf("opened a fragment from input with no code in it")
		}
	})
}

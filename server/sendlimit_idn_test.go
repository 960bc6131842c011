package server

import (
	"testing"
)

// An internationalised domain reaches one mailbox however it is spelt:
// in Unicode, as its ASCII (punycode) form, in any case, or with
// characters IDNA maps away (a soft hyphen). Before, each spelling was a
// recipient of its own, so 4 spellings got a victim 4 times the limit.
func TestSendLimitIDNSpellings(t *testing.T) {
	env := newSecEnv(t, "", nil)
	spellings := []string{"victim@bücher.example", "victim@xn--bcher-kva.example", "victim@XN--BCHER-KVA.EXAMPLE", "victim@bü\u00adcher.example"}
	sent := 0
	for i := range 3 * DefaultMaxSendsPerHour {
		f := env.escrow("email:"+spellings[i%len(spellings)], "", "test", freeExpiration)
		if _, e, _ := env.askCode(f); e == "" {
			sent++
		}
	}
	if sent != DefaultMaxSendsPerHour {
		t.Fatalf("%d codes sent within the hour to one mailbox in %d spellings, want %d", sent, len(spellings), DefaultMaxSendsPerHour)
	}
}

// A domain given as an address literal has many spellings of one host,
// each a recipient of its own before.
func TestSendLimitAddressLiterals(t *testing.T) {
	env := newSecEnv(t, "", nil)
	spellings := []string{"victim@[2001:db8::1]", "victim@[2001:db8:0:0:0:0:0:1]", "victim@[2001:0db8::0001]", "victim@[::ffff:192.0.2.1]"}
	sent := 0
	for i := range 3 * DefaultMaxSendsPerHour {
		f := env.escrow("email:"+spellings[i%len(spellings)], "", "test", freeExpiration)
		if _, e, _ := env.askCode(f); e == "" {
			sent++
		}
	}
	if sent != DefaultMaxSendsPerHour {
		t.Fatalf("%d codes sent within the hour to one host's mailbox in %d spellings, want %d", sent, len(spellings), DefaultMaxSendsPerHour)
	}
}

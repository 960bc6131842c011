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

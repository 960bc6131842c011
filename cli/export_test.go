package cli

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
)

// MainOutGone runs a command as Main does, except that between the check
// that --out can be written and the write itself, the directory --out is
// in is moved away and a file put in its place, so the write really
// fails at the worst moment: after the codes are spent.
func MainOutGone(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	e.beforeWrite = func(out string) {
		dir := filepath.Dir(out)
		if err := os.Rename(dir, dir+".moved"); err != nil {
			panic(err)
		}
		if err := os.WriteFile(dir, []byte("not a directory any more\n"), 0o600); err != nil {
			panic(err)
		}
	}
	return e.main(args)
}

// The provider-diversity warning looks up mail servers. Scripts run the
// CLI in processes of this test binary, where PASSCROW_TEST_DNS points
// Go's own resolver at the scripts' DNS server on loopback (a stand-in
// for the internet's DNS, which tests cannot reach; script_dns_test.go).
func init() {
	addr := os.Getenv("PASSCROW_TEST_DNS")
	if addr == "" {
		return
	}
	diversityResolver = &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", addr)
		},
	}
}

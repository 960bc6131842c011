package platform

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"testing"
)

// TestKeychainConcurrentProcesses runs two processes (this test binary
// again) that Put into one keychain service at once, as the CLI and the
// app may: 20 names each, and the same shared name in between. Without a
// lock between processes one's index update overwrites the other's, and
// one's Put of the shared name deletes the other's pending chunks.
func TestKeychainConcurrentProcesses(t *testing.T) {
	if service := os.Getenv("PLATFORM_TEST_PUT_SERVICE"); service != "" {
		putChild(t, service, os.Getenv("PLATFORM_TEST_PUT_PREFIX"))
		return
	}
	s := keychainForTest(t)
	var cmds []*exec.Cmd
	var starts []io.WriteCloser
	var outs []*bytes.Buffer
	for _, prefix := range []string{"a", "b"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKeychainConcurrentProcesses$", "-test.v")
		cmd.Env = append(os.Environ(), "PLATFORM_TEST_PUT_SERVICE="+s.service, "PLATFORM_TEST_PUT_PREFIX="+prefix)
		out := new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = out, out
		start, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, starts, outs = append(cmds, cmd), append(starts, start), append(outs, out)
	}
	for _, start := range starts { // both are running: let them go together
		start.Close()
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child %d: %v\n%s", i, err, outs[i])
		}
	}
	var want []string
	for _, prefix := range []string{"a", "b"} {
		for i := range 20 {
			want = append(want, fmt.Sprintf("%s%02d", prefix, i))
		}
	}
	want = append(want, "shared")
	slices.Sort(want)
	got, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("List() after concurrent Puts has %d names, want %d:\n got %q", len(got), len(want), got)
	}
	v, err := s.Get("shared")
	if err != nil || (!bytes.HasPrefix(v, []byte("a19 ")) && !bytes.HasPrefix(v, []byte("b19 "))) {
		t.Errorf("Get(shared) = %.8q, %v; want the last value one process put", v, err)
	}
}

// putChild waits for its stdin to close, then puts its names.
func putChild(t *testing.T, service, prefix string) {
	s := NewKeychainStore(service)
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, os.Stdin)
	for i := range 20 {
		name := fmt.Sprintf("%s%02d", prefix, i)
		if err := s.Put(name, randomBytes(100)); err != nil {
			t.Fatal(err)
		}
		// Big enough for several chunks, so the Puts overlap.
		v := append([]byte(name+" "), randomBytes(3*chunkLen)...)
		if err := s.Put("shared", v); err != nil {
			t.Fatal(err)
		}
	}
}

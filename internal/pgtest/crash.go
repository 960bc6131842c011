//go:build linux

package pgtest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Crash kills postgres and all its processes with SIGKILL, as a power
// cut or the OOM killer would, and starts it again on the same data and
// port: it recovers from its write-ahead log before it takes
// connections again. DSNs given out stay valid.
//
// Every backend postgres forks calls setsid, so a kill of the
// postmaster's process group reaches the postmaster alone; its backends
// end by themselves once they notice, and until the last has, the new
// postmaster refuses to start on the shared memory they still hold
// ("pre-existing shared memory block is still in use": it failed a CI
// run so). So the postmaster is stopped first, which keeps it from
// forking more; its children are listed, all are killed, and the
// restart waits until they are gone.
func (s *Server) Crash(t testing.TB) {
	t.Helper()
	pid := s.cmd.Process.Pid
	syscall.Kill(pid, syscall.SIGSTOP)
	kids, err := childrenOf(pid)
	syscall.Kill(-pid, syscall.SIGKILL)
	for _, k := range kids {
		syscall.Kill(k, syscall.SIGKILL)
	}
	<-s.exited
	if err != nil {
		t.Fatalf("pgtest: listing postgres's processes: %v", err)
	}
	if err := waitGone(kids, startTimeout); err != nil {
		t.Fatalf("pgtest: after the crash: %v", err)
	}
	if err := s.run(s.bin, s.cred, s.port); err != nil {
		t.Fatalf("pgtest: restarting after the crash: %v\npostgres log:\n%s", err, s.Log())
	}
}

// childrenOf lists the processes whose parent is pid, from /proc.
func childrenOf(pid int) ([]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var kids []int
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, _, ok := procStat(p); ok && ppid == pid {
			kids = append(kids, p)
		}
	}
	return kids, nil
}

// procStat reads a process's parent and state ('Z' for a zombie) from
// /proc/PID/stat; ok is false once the process is gone.
func procStat(pid int) (ppid int, state byte, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 2 || len(f[0]) != 1 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return ppid, f[0][0], err == nil
}

// waitGone waits until every process in pids has ended (a zombie has
// let go of its memory, so it counts as ended), for at most limit.
func waitGone(pids []int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		left := 0
		for _, p := range pids {
			if _, state, ok := procStat(p); ok && state != 'Z' {
				left++
			}
		}
		if left == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of postgres's processes outlived a SIGKILL for %v", left, limit)
		}
		time.Sleep(10 * time.Millisecond) // polling /proc: nothing to wait on for another's child
	}
}

//go:build linux

package mailtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// A daemon is a server process started in the foreground, in a process
// group of its own so that its helpers can be stopped with it.
type daemon struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has been reaped
	err    error         // cmd.Wait's result, valid after exited
}

func startDaemon(name, logPath string, argv ...string) (*daemon, error) {
	log, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer log.Close() // the child has its own copy
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid: true,
		// Should the test binary itself die (a timeout panic, a kill), the
		// daemon goes with it; its helpers notice their parent is gone.
		Pdeathsig: syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	d := &daemon{name: name, cmd: cmd, exited: make(chan struct{})}
	go func() {
		d.err = cmd.Wait()
		close(d.exited)
	}()
	return d, nil
}

// waitListening polls until every address accepts a TCP connection, the
// daemon exits, or the deadline passes.
func (d *daemon) waitListening(deadline time.Time, addrs ...string) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for _, addr := range addrs {
		for {
			c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s is not listening on %s: %w", d.name, addr, err)
			}
			select {
			case <-d.exited:
				return fmt.Errorf("%s exited before listening on %s: %v", d.name, addr, d.err)
			case <-tick.C:
			}
		}
	}
	return nil
}

// stop ends the daemon by its PID: SIGTERM for a clean shutdown, SIGKILL to
// its whole process group if it does not exit in time, and SIGKILL to any
// helper left in the group after the main process is gone.
func (d *daemon) stop() error {
	pid := d.cmd.Process.Pid
	var errs []error
	select {
	case <-d.exited:
	default:
		syscall.Kill(pid, syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(10 * time.Second):
			errs = append(errs, fmt.Errorf("%s (pid %d) ignored SIGTERM for 10s; killed", d.name, pid))
			syscall.Kill(-pid, syscall.SIGKILL)
			<-d.exited
		}
	}
	// The group outlives its leader only while a helper of ours is still
	// in it, so it cannot be anyone else's.
	deadline := time.Now().Add(3 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for syscall.Kill(-pid, 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(-pid, syscall.SIGKILL)
			errs = append(errs, fmt.Errorf("%s helpers outlived pid %d; killed", d.name, pid))
			break
		}
		<-tick.C
	}
	return errors.Join(errs...)
}

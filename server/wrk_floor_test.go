package server

import (
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// wrkFloor is what wrk measures at c=1, with TestWrk's own script and a
// policy request, against a loopback server that reads whatever comes and
// writes one fixed answer: no HTTP parsing, no handler. It is the most
// any Go server could do for policy at c=1 on this machine at this time
// (the round trip of the kernel, the Go runtime's network poller and wrk
// itself), so policy c=1 is printed as a share of it too.
func wrkFloor(t *testing.T, wrkPath string, dur time.Duration) float64 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustBeNil(t, err)
	defer ln.Close()
	answer := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
					if _, err := c.Write(answer); err != nil {
						return
					}
				}
			}()
		}
	}()
	cmd := exec.Command(wrkPath, "--latency", "-t", "1", "-c", "1", "-d", dur.String(),
		"-s", "testdata/wrk-post.lua", "http://"+ln.Addr().String())
	cmd.Env = append(os.Environ(), "PASSCROW_WRK_PATH=/passcrow/policy", "PASSCROW_WRK_BODY={}",
		"PASSCROW_WRK_THREADS="+strconv.Itoa(1))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, out)
	}
	r, err := parseWrk(out)
	if err != nil {
		t.Fatalf("floor: %v\n%s", err, out)
	}
	return r.rate
}

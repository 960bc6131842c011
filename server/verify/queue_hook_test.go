package verify_test

import "github.com/passcrow/passcrow-desktop/server/verify"

// events collects a queue's outcomes on a channel, and holds each retry
// until the test lets it go.
type events struct {
	ch    chan verify.QueueEvent
	retry chan struct{}
}

func hook(q *verify.Queue) *events {
	e := &events{ch: make(chan verify.QueueEvent, 16), retry: make(chan struct{})}
	verify.SetQueueHooks(q, func(int, error) <-chan struct{} { return e.retry },
		func(ev verify.QueueEvent) { e.ch <- ev })
	return e
}

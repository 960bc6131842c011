package verify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Queue defaults. Eight tries 5 s apart, doubling up to 5 min, give a
// mail server about ten minutes to come back, well inside a code's life
// (24 hours by default) and short enough that a user still waiting for
// the code gets it.
const (
	DefaultQueueWorkers   = 4
	DefaultQueueSize      = 1000
	DefaultQueueAttempts  = 8
	DefaultAttemptTimeout = 30 * time.Second
	DefaultMinBackoff     = 5 * time.Second
	DefaultMaxBackoff     = 5 * time.Minute
)

var (
	// ErrQueueFull is returned by Queue.Send when Size messages are
	// already waiting: the server then keeps no code and the client may
	// try again later, instead of the queue growing without bound while
	// its mail server is down.
	ErrQueueFull = errors.New("too many messages waiting to be sent")
	// ErrQueueClosed is returned by Queue.Send after Close.
	ErrQueueClosed = errors.New("the server is shutting down")
)

// QueueConfig says how a Queue hands messages on. The zero value of
// every field has a default.
type QueueConfig struct {
	Workers        int           // messages handed on at once; DefaultQueueWorkers
	Size           int           // messages queued, in flight or waiting to retry, at most; DefaultQueueSize
	Attempts       int           // tries per message; DefaultQueueAttempts
	AttemptTimeout time.Duration // bound on one try; DefaultAttemptTimeout
	// MinBackoff is the wait before the first retry; each further retry
	// waits twice as long, up to MaxBackoff, less up to a quarter at
	// random so that messages that failed together do not retry together.
	MinBackoff, MaxBackoff time.Duration
	Logger                 *slog.Logger // default slog.Default()
	// LogKey keys the hash that stands for a recipient in the log, so
	// entries about one address can be matched without naming it. A
	// random key (the default) matches entries of one run only; a fixed
	// key lets an operator match across restarts.
	LogKey []byte
}

// Queue is a Verifier (and Notifier) that answers as soon as a message is
// queued and hands it to another Verifier in the background, retrying
// with backoff. A slow or unreachable mail server or SMS gateway thus
// never holds a verification request open. The server keeps the code
// once Send returns, as the reference server does; a message that still
// fails after every try is logged (the recipient as a keyed hash, never
// the address) and counted in Stats.Failed, and the user can ask for a
// new code.
//
// What can be checked at once is: Send refuses, without queueing, a
// message the next Verifier's Check refuses (a malformed address, an
// identity kind it cannot reach), and any message while Size are
// waiting (ErrQueueFull).
//
// Close stops taking messages and waits for the queued ones until its
// context ends; the rest are abandoned and counted in Stats.Dropped.
type Queue struct {
	next     Verifier
	cfg      QueueConfig
	log      *slog.Logger
	stopping context.Context // cancelled when Close gives up waiting
	abandon  context.CancelFunc

	mu      sync.Mutex
	ready   []*job        // waiting for a worker
	wake    chan struct{} // has an element while ready is not empty or closed is set
	total   int           // jobs ready, in flight or waiting to retry
	closed  bool
	drained chan struct{} // closed when total reaches 0 after Close
	workers sync.WaitGroup

	queued, sent, retries, failed, dropped, inFlight atomic.Int64

	// Test hooks: retryAfter replaces the backoff timer; observe sees
	// every attempt's outcome.
	retryAfter func(attempt int, err error) <-chan struct{}
	observe    func(QueueEvent)
}

// job is one message on its way: a code or a notice.
type job struct {
	msg      *Message
	notice   *Notice
	who      string // keyed hash of the recipient, for the log
	kind     string
	attempts int
}

// QueueStats are a Queue's counts since it started, for metrics.
type QueueStats struct {
	Queued   int64 // messages taken by Send or Notify
	Sent     int64 // handed on successfully
	Retries  int64 // tries after a failed one
	Failed   int64 // given up on: a permanent error or every try failed
	Dropped  int64 // abandoned at Close
	Pending  int64 // queued, in flight or waiting to retry now
	InFlight int64 // being handed on right now
}

// StatsSource is what metrics read: Queue, SMS and ActionURL have one.
type StatsSource interface{ Stats() QueueStats }

// QueueEvent is the outcome of one try, for tests.
type QueueEvent struct {
	Kind    string // identity kind
	Attempt int    // 1 for the first try
	Err     error  // nil when the message went out
	Final   bool   // no further try will be made
}

var (
	_ Verifier    = (*Queue)(nil)
	_ Notifier    = (*Queue)(nil)
	_ StatsSource = (*Queue)(nil)
)

// Checker is implemented by Verifiers that can tell at once, without
// sending, whether they could send m. Queue uses it so that a message
// bound to fail is refused to the requester, not lost in the background.
type Checker interface {
	Check(m Message) error
}

// NewQueue starts the workers of a queue in front of next.
func NewQueue(next Verifier, cfg QueueConfig) *Queue {
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultQueueWorkers
	}
	if cfg.Size <= 0 {
		cfg.Size = DefaultQueueSize
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultQueueAttempts
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = DefaultAttemptTimeout
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(cfg.MinBackoff, DefaultMaxBackoff)
	}
	if len(cfg.LogKey) == 0 {
		cfg.LogKey = make([]byte, 32)
		if _, err := rand.Read(cfg.LogKey); err != nil {
			panic(err) // crypto/rand never fails on supported systems
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{next: next, cfg: cfg, log: log, stopping: ctx, abandon: cancel,
		wake: make(chan struct{}, 1), drained: make(chan struct{})}
	for range cfg.Workers {
		q.workers.Add(1)
		go q.work()
	}
	return q
}

// Send queues m and returns; see Queue.
func (q *Queue) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c, ok := q.next.(Checker); ok {
		if err := c.Check(m); err != nil {
			return err
		}
	}
	return q.add(&job{msg: &m, kind: m.Kind, who: q.hash(m.Address)})
}

// Notify queues n when the next Verifier is a Notifier too.
func (q *Queue) Notify(ctx context.Context, n Notice) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, ok := q.next.(Notifier); !ok {
		return fmt.Errorf("%w: %q gets no notices", ErrUnsupportedKind, n.Kind)
	}
	if c, ok := q.next.(interface{ CheckNotice(Notice) error }); ok {
		if err := c.CheckNotice(n); err != nil {
			return err
		}
	} else if err := checkNotice(n); err != nil {
		return err
	}
	return q.add(&job{notice: &n, kind: n.Kind, who: q.hash(n.Address)})
}

func (q *Queue) add(j *job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.closed:
		return ErrQueueClosed
	case q.total >= q.cfg.Size:
		return fmt.Errorf("%w (%d)", ErrQueueFull, q.total)
	}
	q.total++
	q.queued.Add(1)
	q.pushLocked(j)
	return nil
}

func (q *Queue) pushLocked(j *job) {
	q.ready = append(q.ready, j)
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take waits for a ready job; nil means the queue is closed and empty
// of ready jobs, or abandoned.
func (q *Queue) take() *job {
	for {
		q.mu.Lock()
		if len(q.ready) > 0 {
			j := q.ready[0]
			q.ready[0] = nil
			q.ready = q.ready[1:]
			if len(q.ready) > 0 { // pass the wake-up on to another worker
				select {
				case q.wake <- struct{}{}:
				default:
				}
			}
			q.mu.Unlock()
			return j
		}
		done := q.total == 0 && q.closed
		q.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-q.wake:
		case <-q.stopping.Done():
			return nil
		}
	}
}

func (q *Queue) work() {
	defer q.workers.Done()
	for {
		j := q.take()
		if j == nil {
			// Let the other workers see the end too.
			select {
			case q.wake <- struct{}{}:
			default:
			}
			return
		}
		q.try(j)
	}
}

// try makes one attempt at j and decides what comes next.
func (q *Queue) try(j *job) {
	if q.stopping.Err() != nil {
		q.finish(j, "dropped", nil)
		return
	}
	j.attempts++
	if j.attempts > 1 {
		q.retries.Add(1)
	}
	q.inFlight.Add(1)
	ctx, cancel := context.WithTimeout(q.stopping, q.cfg.AttemptTimeout)
	var err error
	if j.msg != nil {
		err = q.next.Send(ctx, *j.msg)
	} else {
		err = q.next.(Notifier).Notify(ctx, *j.notice)
	}
	cancel()
	q.inFlight.Add(-1)

	final := err == nil || Permanent(err) || j.attempts >= q.cfg.Attempts || q.stopping.Err() != nil
	// Observed after the counts are final, and before a retry can start.
	ev := QueueEvent{Kind: j.kind, Attempt: j.attempts, Err: err, Final: final}
	switch {
	case err == nil:
		q.finish(j, "sent", nil)
	case q.stopping.Err() != nil:
		q.finish(j, "dropped", err)
	case final:
		q.finish(j, "failed", err)
	default:
		q.log.Info("verification message not sent yet; will retry", "kind", j.kind, "recipient", j.who,
			"attempt", j.attempts, "error", SafeError(err, q.address(j)))
		if q.observe != nil {
			q.observe(ev)
		}
		q.later(j, err)
		return
	}
	if q.observe != nil {
		q.observe(ev)
	}
}

// later puts j back once its backoff is over, or drops it if the queue
// is abandoned first.
func (q *Queue) later(j *job, err error) {
	var wait <-chan struct{}
	if q.retryAfter != nil {
		wait = q.retryAfter(j.attempts, err)
	} else {
		ch := make(chan struct{})
		time.AfterFunc(q.backoff(j.attempts, err), func() { close(ch) })
		wait = ch
	}
	go func() {
		select {
		case <-wait:
			// Checked under the lock: once Close has abandoned the queue
			// and taken the ready jobs, nothing may be put back.
			q.mu.Lock()
			if q.stopping.Err() == nil {
				q.pushLocked(j)
				q.mu.Unlock()
				return
			}
			q.mu.Unlock()
			q.finish(j, "dropped", err)
		case <-q.stopping.Done():
			q.finish(j, "dropped", err)
		}
	}()
}

// backoff is the wait after the attempt-th try failed with err.
func (q *Queue) backoff(attempt int, err error) time.Duration {
	d := q.cfg.MinBackoff
	for i := 1; i < attempt && d < q.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, q.cfg.MaxBackoff)
	d -= time.Duration(mrand.Int64N(int64(d/4) + 1))
	// A gateway that said when to come back is believed, within reason.
	if ra, ok := errors.AsType[interface {
		error
		RetryAfter() time.Duration
	}](err); ok {
		d = max(d, min(ra.RetryAfter(), q.cfg.MaxBackoff))
	}
	return d
}

// finish ends j: sent, failed or dropped.
func (q *Queue) finish(j *job, how string, err error) {
	switch how {
	case "sent":
		q.sent.Add(1)
	case "failed":
		q.failed.Add(1)
		q.log.Warn("verification message could not be sent", "kind", j.kind, "recipient", j.who,
			"attempts", j.attempts, "error", SafeError(err, q.address(j)))
	case "dropped":
		q.dropped.Add(1)
		q.log.Warn("verification message abandoned at shutdown", "kind", j.kind, "recipient", j.who,
			"attempts", j.attempts)
	}
	q.mu.Lock()
	q.total--
	if q.total == 0 && q.closed {
		select {
		case <-q.drained:
		default:
			close(q.drained)
		}
	}
	q.mu.Unlock()
	select { // a worker may be waiting to see the queue empty and closed
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *Queue) address(j *job) string {
	if j.msg != nil {
		return j.msg.Address
	}
	return j.notice.Address
}

// hash stands for an address in the log: the first 8 bytes of an
// HMAC-SHA256 under LogKey, so the log names no one yet entries about
// one recipient can be matched.
func (q *Queue) hash(address string) string {
	h := hmac.New(sha256.New, q.cfg.LogKey)
	h.Write([]byte(address))
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Close stops taking messages, then waits until every queued message
// has been sent or has failed, or until ctx ends. At that point the
// messages still queued, waiting to retry or being sent are abandoned
// (their tries are cancelled), counted in Stats.Dropped and logged.
// Their codes were kept by the server; the user asks for new ones after
// the restart. Close returns ctx's error when it had to abandon any.
func (q *Queue) Close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		if q.total == 0 {
			close(q.drained)
		}
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	var err error
	select {
	case <-q.drained:
	case <-ctx.Done():
		err = fmt.Errorf("verification queue: %d messages abandoned: %w", q.pending(), ctx.Err())
	}
	q.abandon()
	q.workers.Wait()
	// Jobs waiting to retry are dropped by their own goroutines; wait for
	// them, so Stats is final when Close returns.
	<-q.drainedAfterAbandon()
	return err
}

// drainedAfterAbandon returns drained once every goroutine holding a
// job has let it go; ready jobs no worker will take are dropped here.
func (q *Queue) drainedAfterAbandon() <-chan struct{} {
	q.mu.Lock()
	ready := q.ready
	q.ready = nil
	q.mu.Unlock()
	for _, j := range ready {
		q.finish(j, "dropped", nil)
	}
	return q.drained
}

func (q *Queue) pending() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return int64(q.total)
}

// Stats returns the queue's counts.
func (q *Queue) Stats() QueueStats {
	return QueueStats{
		Queued: q.queued.Load(), Sent: q.sent.Load(), Retries: q.retries.Load(),
		Failed: q.failed.Load(), Dropped: q.dropped.Load(),
		Pending: q.pending(), InFlight: q.inFlight.Load(),
	}
}

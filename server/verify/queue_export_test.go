package verify

// SetQueueHooks lets the external tests drive a Queue's retries and see
// each try's outcome through channels instead of waiting on timers.
func SetQueueHooks(q *Queue, retryAfter func(attempt int, err error) <-chan struct{}, observe func(QueueEvent)) {
	q.retryAfter = retryAfter
	q.observe = observe
}

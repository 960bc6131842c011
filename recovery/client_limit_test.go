package recovery

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// arrivals is a server that notes when each request arrived and answers
// with the captured reference policy.
func arrivals(t *testing.T) (*httptest.Server, func() []time.Time) {
	policy := capturedPolicy(t)
	var mu sync.Mutex
	var at []time.Time
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		w.Write([]byte(policy))
	}))
	t.Cleanup(s.Close)
	return s, func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Time(nil), at...)
	}
}

// The reference server accepts one request per address per second; our
// requests to one host, from any Client in the process and from several
// goroutines at once, must arrive at least a second apart.
func TestRateLimitOneRequestPerSecondPerHost(t *testing.T) {
	s, got := arrivals(t)
	c1 := testClient(t, s.URL)
	c2 := testClient(t, s.URL) // a second Client shares the gate
	c1.Interval, c2.Interval = time.Second, time.Second
	ctx := context.Background()

	var wg sync.WaitGroup
	for _, c := range []*Client{c1, c2, c1} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Policy(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	at := got()
	if len(at) != 3 {
		t.Fatalf("%d requests arrived, want 3", len(at))
	}
	// Only lower bounds: a slow machine (-race) can only widen the gaps.
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < time.Second {
			t.Errorf("requests %d and %d arrived %v apart, want >= 1s", i, i+1, gap)
		}
	}
}

func TestRateLimitWaitIsCancellable(t *testing.T) {
	s, got := arrivals(t)
	c := testClient(t, s.URL)
	c.Interval = time.Hour
	if _, err := c.Policy(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The turn comes in an hour: returning with the deadline's error at
	// all shows the wait was cut short (no bound on how long it took).
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Policy(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the deadline", err)
	}
	if n := len(got()); n != 1 {
		t.Errorf("%d requests arrived, want 1", n)
	}
	// The turn was handed back: the gate is not stuck.
	c.Interval = 0
	if _, err := c.Policy(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Different hosts do not wait for each other.
func TestRateLimitIsPerHost(t *testing.T) {
	s1, _ := arrivals(t)
	s2, _ := arrivals(t)
	c1, c2 := testClient(t, s1.URL), testClient(t, s2.URL)
	c1.Interval, c2.Interval = time.Hour, time.Hour
	// A gate shared by both hosts would hold the second request for an
	// hour; the deadline turns that into an error instead of a hang.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, c := range []*Client{c1, c2} {
		if _, err := c.Policy(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

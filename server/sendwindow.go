package server

import (
	"slices"
	"time"
)

// maxSendsKept bounds MaxSendsPerHour and MaxSendsPerDay: a recipient's
// record keeps the time of each message that still counts, and an
// address that may get more than this many a day has no limit worth
// the name.
const maxSendsKept = 1000

// Spans of the two limits, in seconds.
const (
	sendHour = int64(time.Hour / time.Second)
	sendDay  = int64(24 * time.Hour / time.Second)
)

// The send limits slide: a message counts for exactly an hour and a
// day after it went. Windows that started at the first message let up
// to twice the limit through across their edge (5 in the hour's last
// minute, 6 more in the next), so "6 an hour" meant 11.

// counted is how many of c's messages went less than span seconds
// before now, and when the oldest of the last limit of them stops
// counting: the time one more may go if the limit is reached.
func (c *Sends) counted(now, span int64, limit int) (n int, freeAt int64) {
	i, _ := slices.BinarySearch(c.Times, now-span+1)
	n = len(c.Times) - i
	if limit > 0 && n >= limit {
		freeAt = c.Times[len(c.Times)-limit] + span
	}
	return n, freeAt
}

// catchUp makes c.Times hold every message that still counts at now,
// oldest first, and nothing older than a day. Messages that only the
// fixed-window counts record (a record written before the times were
// kept, or by such a release still running during a rolling upgrade)
// are added at the start of their window: counted no shorter than that
// release would have counted them. It never changes the slice it was
// given, which a store may still be writing out.
func (c *Sends) catchUp(now int64) {
	i, _ := slices.BinarySearch(c.Times, now-sendDay+1)
	times := slices.Clone(c.Times[i:])
	add := func(start int64, count int, span int64) {
		if count <= 0 || start+span <= now {
			return
		}
		j, _ := slices.BinarySearch(times, start)
		if missing := count - (len(times) - j); missing > 0 {
			times = slices.Insert(times, j, slices.Repeat([]int64{start}, min(missing, maxSendsKept))...)
		}
	}
	add(c.HourStart, c.Hour, sendHour)
	add(c.DayStart, c.Day, sendDay)
	c.Times = times
}

// record adds a message at now, keeps only the last keep times, and
// sets the fixed-window counts and the expiration to match.
func (c *Sends) record(now int64, keep int) {
	j, _ := slices.BinarySearch(c.Times, now+1)
	c.Times = slices.Insert(c.Times, j, now)
	if len(c.Times) > keep {
		c.Times = c.Times[len(c.Times)-keep:]
	}
	c.setWindows(now)
}

// forget takes back one message made at t, for a message that did not go.
func (c *Sends) forget(t, now int64) {
	if j, found := slices.BinarySearch(c.Times, t); found {
		c.Times = slices.Delete(slices.Clone(c.Times), j, j+1)
	}
	c.setWindows(now)
}

// setWindows fills the counts a release that only knew fixed windows
// reads, from c.Times, so it goes on counting right in a rolling
// upgrade, and sets the expiration to when the last message stops
// counting.
func (c *Sends) setWindows(now int64) {
	window := func(span int64) (start int64, n int) {
		i, _ := slices.BinarySearch(c.Times, now-span+1)
		if i == len(c.Times) {
			return 0, 0
		}
		return c.Times[i], len(c.Times) - i
	}
	c.HourStart, c.Hour = window(sendHour)
	c.DayStart, c.Day = window(sendDay)
	c.Expiration = 0
	if len(c.Times) > 0 {
		c.Expiration = c.Times[len(c.Times)-1] + sendDay
	}
}

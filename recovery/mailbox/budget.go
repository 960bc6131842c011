package mailbox

import (
	"errors"
	"net"
	"sync/atomic"
)

// A server's answers are read into memory by go-imap, which sets no
// bound on a literal's size or on an answer's length: a hostile or
// broken server (one a planted pack names, say) could announce a
// mailbox name of gigabytes, or answer SEARCH without end. So every
// session reads at most a budget of bytes: baseBudget for logging in,
// listing and searching, plus what each fetch may bring (session.allow).
const baseBudget = 4 << 20

// errOverBudget ends a connection whose server sent far more than asked.
var errOverBudget = errors.New("the server sent far more than was asked for")

// budgetConn is a connection that reads at most left more bytes.
type budgetConn struct {
	net.Conn
	left atomic.Int64
}

func newBudgetConn(c net.Conn) *budgetConn {
	b := &budgetConn{Conn: c}
	b.left.Store(baseBudget)
	return b
}

func (c *budgetConn) Read(p []byte) (int, error) {
	left := c.left.Load()
	if left <= 0 {
		return 0, errOverBudget
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := c.Conn.Read(p)
	c.left.Add(-int64(n))
	return n, err
}

// allow lets the connection read n more bytes.
func (c *budgetConn) allow(n int64) { c.left.Add(n) }

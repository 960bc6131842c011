//go:build linux

package mailtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// recheck is how often WaitForMail looks at the INBOX even without news
// from IDLE, in case a notification was missed.
const recheck = 2 * time.Second

// WaitForMail logs in as user and waits, until ctx ends, for a message in
// the INBOX whose full text (headers and body, CRLF line endings) satisfies
// match, and returns that text. Messages already there count too. It waits
// with IMAP IDLE, so it returns as soon as Dovecot has the mail.
func (m *Mail) WaitForMail(ctx context.Context, user, password string, match func(text string) bool) (string, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.imap)
	if err != nil {
		return "", fmt.Errorf("imap: %w", err)
	}
	// go-imap knows no context: closing the connection ends every call.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	news := make(chan struct{}, 1)
	c := imapclient.New(conn, &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					select {
					case news <- struct{}{}:
					default:
					}
				}
			},
		},
	})
	defer c.Close()
	text, err := waitInbox(ctx, c, user, password, news, match)
	if err != nil && ctx.Err() != nil {
		return "", fmt.Errorf("imap: no matching mail for %q: %w", user, ctx.Err())
	}
	return text, err
}

func waitInbox(ctx context.Context, c *imapclient.Client, user, password string, news <-chan struct{}, match func(string) bool) (string, error) {
	if err := c.Login(user, password).Wait(); err != nil {
		return "", fmt.Errorf("imap: login as %q: %w", user, err)
	}
	sel, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return "", fmt.Errorf("imap: select INBOX: %w", err)
	}
	// Not c.Mailbox() right after Select: go-imap unblocks Wait before it
	// records the selected mailbox, so it can still be nil here.
	n := sel.NumMessages
	var seen uint32
	for {
		if n > seen {
			text, err := fetchMatch(c, seen+1, n, match)
			if err != nil || text != "" {
				return text, err
			}
			seen = n
		}
		idle, err := c.Idle()
		if err != nil {
			return "", fmt.Errorf("imap: idle: %w", err)
		}
		timer := time.NewTimer(recheck)
		select {
		case <-news:
		case <-timer.C:
		case <-ctx.Done():
		}
		timer.Stop()
		if err := errors.Join(idle.Close(), idle.Wait()); err != nil {
			return "", fmt.Errorf("imap: idle: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return "", err
		}
		if mbox := c.Mailbox(); mbox != nil {
			n = mbox.NumMessages
		}
	}
}

func fetchMatch(c *imapclient.Client, from, to uint32, match func(string) bool) (string, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	var set imap.SeqSet
	set.AddRange(from, to)
	msgs, err := c.Fetch(set, &imap.FetchOptions{
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		return "", fmt.Errorf("imap: fetch: %w", err)
	}
	for _, msg := range msgs {
		if text := string(msg.FindBodySection(section)); match(text) {
			return text, nil
		}
	}
	return "", nil
}

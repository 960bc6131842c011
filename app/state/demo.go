package state

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/passcrow/passcrow-desktop/server"
	"github.com/passcrow/passcrow-desktop/server/verify"
)

// A Demo is our own Passcrow server running inside the app on 127.0.0.1,
// so a newcomer can try the whole flow offline. Its codes are not mailed:
// they land in an outbox directory that the Demo mailbox window shows.
type Demo struct {
	URL    string
	port   int
	outbox string
	srv    *server.Server
	http   *http.Server
	done   chan error
}

// StartDemo starts the demo server (once; later calls return the running
// one). Its data lives in dir (the outbox in dir/outbox); dir must be
// private to the user, since the outbox holds live codes. It listens on
// the port it had last time when that is free, since the packs made with
// it remember its URL. When items made with it name that port, it starts
// there or not at all (ErrDemoPortTaken): on another port they would
// not find it.
func (s *State) StartDemo(dir string) (*Demo, error) {
	port, needed := s.demoItemsPort()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.demo != nil {
		return s.demo, nil
	}
	d, err := startDemo(dir, port, needed)
	s.demoErr = err
	if err != nil {
		return nil, err
	}
	s.prefs.SetInt(prefDemoPort, d.port)
	s.demo = d
	return d, nil
}

// Demo returns the running demo server, or nil.
func (s *State) Demo() *Demo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.demo
}

func startDemo(dir string, port int, samePort bool) (*Demo, error) {
	if err := privateDir(dir); err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	outbox := filepath.Join(dir, "outbox")
	if err := os.MkdirAll(outbox, 0o700); err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	ob := &verify.Outbox{Dir: outbox}
	srv, err := server.New(server.Config{
		DataDir:     filepath.Join(dir, "data"),
		Verifiers:   map[string]verify.Verifier{KindEmail: ob, KindSMS: ob},
		CountryCode: "--",
		AboutURL:    "https://github.com/passcrow/passcrow-desktop",
		// Its codes go to a folder of the user's own, so there is no
		// inbox to flood: "Send a new code" works at once, and as often
		// as the user likes.
		ResendInterval:  -1,
		MaxSendsPerHour: -1,
		MaxSendsPerDay:  -1,
	})
	if err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil && port != 0 && samePort {
		srv.Close()
		return nil, &DemoPortError{Port: port, Err: err}
	}
	if err != nil && port != 0 {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("demo server: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	d := &Demo{
		URL:    "http://" + ln.Addr().String(),
		port:   ln.Addr().(*net.TCPAddr).Port,
		outbox: outbox,
		srv:    srv,
		http:   hs,
		done:   make(chan error, 1),
	}
	go func() { d.done <- hs.Serve(ln) }()
	return d, nil
}

// Close stops the demo server and waits for it.
func (d *Demo) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := d.http.Shutdown(ctx)
	if serr := <-d.done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return errors.Join(err, d.srv.Close())
}

// A MailMessage is one message in the demo mailbox.
type MailMessage struct {
	File    string
	To      string
	Subject string
	Code    string
	Body    string
	Sent    time.Time
}

// Messages lists the demo mailbox, newest first.
func (d *Demo) Messages() ([]MailMessage, error) {
	ents, err := os.ReadDir(d.outbox)
	if err != nil {
		return nil, err
	}
	var out []MailMessage
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".eml") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(d.outbox, e.Name()))
		if err != nil {
			return nil, err
		}
		m := MailMessage{File: e.Name()}
		if msg, err := mail.ReadMessage(strings.NewReader(string(raw))); err == nil {
			m.To = msg.Header.Get("To")
			dec := new(mime.WordDecoder)
			if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
				m.Subject = subj
			}
			m.Sent, _ = msg.Header.Date()
			var body io.Reader = msg.Body
			if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
				body = quotedprintable.NewReader(body)
			}
			if b, err := io.ReadAll(body); err == nil {
				m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
			}
		}
		m.Code, _ = verify.ReadCode(string(raw))
		out = append(out, m)
	}
	slices.Reverse(out) // file names sort by the time sent
	return out, nil
}

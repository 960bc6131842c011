// Package smstest is a stand-in for an SMS gateway with Twilio's
// Messages API, for tests: no SMS network exists here, so this is the
// one part of a verification by SMS that cannot be real. It checks what
// the real gateway checks (the path, Basic auth with the account id and
// token, a form with To, From and Body), answers as Twilio does, and
// records every message it accepted, so a test can read the code the
// "phone" got.
package smstest

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Message is one SMS the gateway accepted.
type Message struct{ To, From, Body string }

// Answer is a scripted reply, in place of accepting the next message.
type Answer struct {
	Status     int
	Code       int    // Twilio error code in the JSON body
	Message    string // Twilio error message in the JSON body
	RetryAfter string // Retry-After header, if any
	Location   string // Location header, if any (a redirect)
}

// Gateway is a running stand-in gateway on 127.0.0.1.
type Gateway struct {
	URL     string // base URL, http://127.0.0.1:PORT
	Account string
	Token   string

	received chan Message
	mu       sync.Mutex
	script   []Answer
	msgs     []Message
	requests int
}

// Start runs a gateway for account and token until the test ends.
func Start(t testing.TB, account, token string) *Gateway {
	g := &Gateway{Account: account, Token: token, received: make(chan Message, 64)}
	hs := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(hs.Close)
	g.URL = hs.URL
	return g
}

// Script makes the next requests get these answers, in order, before
// the gateway accepts messages again.
func (g *Gateway) Script(answers ...Answer) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.script = append(g.script, answers...)
}

// Received gets every message the gateway accepts, as it does.
func (g *Gateway) Received() <-chan Message { return g.received }

// Messages are the accepted messages so far.
func (g *Gateway) Messages() []Message {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Message(nil), g.msgs...)
}

// Requests counts every request, accepted or not.
func (g *Gateway) Requests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests
}

func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.requests++
	var scripted *Answer
	if len(g.script) > 0 {
		scripted = &g.script[0]
		g.script = g.script[1:]
	}
	g.mu.Unlock()

	if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/"+g.Account+"/Messages.json" {
		twilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(g.Account)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(g.Token)) != 1 {
		twilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		twilioError(w, http.StatusBadRequest, 21620, "Invalid content type")
		return
	}
	if err := r.ParseForm(); err != nil {
		twilioError(w, http.StatusBadRequest, 21620, "Invalid form")
		return
	}
	m := Message{To: r.PostForm.Get("To"), From: r.PostForm.Get("From"), Body: r.PostForm.Get("Body")}
	switch {
	case m.To == "":
		twilioError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case m.From == "":
		twilioError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	case m.Body == "":
		twilioError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	if scripted != nil {
		if scripted.RetryAfter != "" {
			w.Header().Set("Retry-After", scripted.RetryAfter)
		}
		if scripted.Location != "" {
			w.Header().Set("Location", scripted.Location)
		}
		twilioError(w, scripted.Status, scripted.Code, scripted.Message)
		return
	}
	g.mu.Lock()
	g.msgs = append(g.msgs, m)
	n := len(g.msgs)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{
		"sid": fmt.Sprintf("SM%032x", n), "account_sid": g.Account, "to": m.To, "from": m.From,
		"body": m.Body, "status": "queued", "num_segments": "1",
	})
	g.received <- m
}

func twilioError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"code": code, "message": msg, "status": status,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
	})
}

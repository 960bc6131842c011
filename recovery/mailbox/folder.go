package mailbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// maxCandidates bounds how many messages a search may make us look at,
// whatever the server answers.
const maxCandidates = 100

// folderExists tells whether the folder name exists (LIST, exact name).
func (s *session) folderExists(name string) (bool, error) {
	list, err := s.c.List("", name, nil).Collect()
	if err != nil {
		return false, s.fail(refused(fmt.Sprintf("to list the folder %q", name), err))
	}
	for _, l := range list {
		if l.Mailbox == name {
			return true, nil
		}
	}
	return false, nil
}

// ensureFolder creates the folder when it is missing and says whether it
// did, so a failed placement can remove it again.
func (s *session) ensureFolder(name string) (created bool, err error) {
	ok, err := s.folderExists(name)
	if err != nil || ok {
		return false, err
	}
	if err := s.c.Create(name, nil).Wait(); err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists {
			return false, nil
		}
		return false, s.fail(refused(fmt.Sprintf("to create the folder %q", name), err))
	}
	return true, nil
}

// removeFolderIfEmpty deletes a folder this session created, once it is
// known to hold nothing.
func (s *session) removeFolderIfEmpty(name string) error {
	st, err := s.c.Status(name, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		return s.fail(refused(fmt.Sprintf("to look into the folder %q", name), err))
	}
	if st.NumMessages == nil || *st.NumMessages != 0 {
		return nil
	}
	if err := s.c.Delete(name).Wait(); err != nil {
		return s.fail(refused(fmt.Sprintf("to delete the empty folder %q", name), err))
	}
	return nil
}

// selectFolder selects name, read-only unless the session will change
// it; a folder that does not exist is not an error but exists false.
func (s *session) selectFolder(name string, readOnly bool) (exists bool, err error) {
	if ok, err := s.folderExists(name); err != nil || !ok {
		return false, err
	}
	if _, err := s.c.Select(name, &imap.SelectOptions{ReadOnly: readOnly}).Wait(); err != nil {
		return false, s.fail(refused(fmt.Sprintf("to open the folder %q", name), err))
	}
	return true, nil
}

// deselect leaves the selected folder without expunging anything (CLOSE
// would expunge every message marked \Deleted, the user's too).
func (s *session) deselect() error {
	var err error
	if s.c.Caps().Has(imap.CapUnselect) {
		err = s.c.Unselect().Wait()
	} else {
		_, err = s.c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	}
	if err != nil {
		return s.fail(refused("to close the folder", err))
	}
	return nil
}

// search finds the messages of the selected folder whose header key
// holds value ("" finds every message that has the header). The server
// matches substrings; callers that need the exact value use find.
func (s *session) search(key, value string) ([]imap.UID, error) {
	data, err := s.c.UIDSearch(&imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: key, Value: value}},
	}, nil).Wait()
	if err != nil {
		return nil, s.fail(refused("to search the folder", err))
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	if len(uids) > maxCandidates {
		uids = uids[len(uids)-maxCandidates:] // the newest
	}
	return uids, nil
}

// find is search for messages whose header key is exactly value.
func (s *session) find(key, value string) ([]imap.UID, error) {
	uids, err := s.search(key, value)
	if err != nil || len(uids) == 0 {
		return nil, err
	}
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{key}, Peek: true}
	var exact []imap.UID
	err = s.eachMessage(uids, section, 64<<10, func(m message) {
		if !m.tooBig && headerIs(m.raw, key, value) {
			exact = append(exact, m.uid)
		}
	})
	return exact, err
}

// headerIs tells whether the header in raw has key with exactly value.
func headerIs(raw []byte, key, value string) bool {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return false
	}
	return slices.ContainsFunc(h.Values(key), func(v string) bool { return strings.TrimSpace(v) == value })
}

// A message is one fetched message.
type message struct {
	uid    imap.UID
	date   time.Time // when the server got it
	raw    []byte
	tooBig bool // raw holds only the first max bytes
}

// fetch gets whole messages, at most max bytes each.
func (s *session) fetch(uids []imap.UID, max int64) ([]message, error) {
	var out []message
	err := s.eachMessage(uids, &imap.FetchItemBodySection{Peek: true}, max, func(m message) { out = append(out, m) })
	return out, err
}

// eachMessage fetches a section of each message and reads at most max
// bytes of it, whatever size the server announces or sends.
func (s *session) eachMessage(uids []imap.UID, section *imap.FetchItemBodySection, max int64, f func(message)) error {
	if len(uids) == 0 {
		return nil
	}
	sec := *section
	sec.Partial = &imap.SectionPartial{Offset: 0, Size: max + 1}
	// What these answers may bring: each message's max, and room for
	// their envelopes of flags, dates and numbers.
	s.budget.allow(int64(len(uids)) * (max + 4<<10))
	cmd := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID:          true,
		InternalDate: true,
		BodySection:  []*imap.FetchItemBodySection{&sec},
	})
	var readErr error
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		var m message
		got := false
		for {
			item := msg.Next()
			if item == nil {
				break
			}
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				m.uid = it.UID
			case imapclient.FetchItemDataInternalDate:
				m.date = it.Time
			case imapclient.FetchItemDataBodySection:
				b, err := io.ReadAll(io.LimitReader(it.Literal, max+1))
				if err != nil {
					readErr = err
				}
				m.raw, m.tooBig, got = b, int64(len(b)) > max, true
				if m.tooBig {
					m.raw = m.raw[:max]
				}
			}
		}
		if got && m.uid != 0 && slices.Contains(uids, m.uid) {
			f(m)
		}
	}
	if err := errors.Join(cmd.Close(), readErr); err != nil {
		return s.fail(refused("to read messages", err))
	}
	return nil
}

// appendMessage stores msg in folder, marked as read. The UID is 0 when
// the server does not say it (no UIDPLUS).
func (s *session) appendMessage(folder string, msg []byte) (imap.UID, error) {
	cmd := s.c.Append(folder, int64(len(msg)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
	_, werr := cmd.Write(msg)
	cerr := cmd.Close()
	data, err := cmd.Wait()
	if err = errors.Join(err, werr, cerr); err != nil {
		return 0, s.fail(refused("to store the message", err))
	}
	return data.UID, nil
}

// expunge deletes the messages uids of the selected folder (opened
// read-write) and nothing else: UID EXPUNGE where the server has
// UIDPLUS, else expungeAlone.
func (s *session) expunge(uids []imap.UID) error {
	if len(uids) == 0 {
		return nil
	}
	set := imap.UIDSetNum(uids...)
	if err := s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		return s.fail(refused("to mark the message deleted", err))
	}
	if s.c.Caps().Has(imap.CapUIDPlus) {
		if err := s.c.UIDExpunge(set).Close(); err != nil {
			return s.fail(refused("to expunge the message", err))
		}
		return nil
	}
	return s.expungeAlone(set)
}

// expungeAlone expunges the messages of set, already marked \Deleted,
// on a server without UID EXPUNGE: EXPUNGE removes every message marked
// \Deleted, so other such messages (the user's) are unmarked for the
// moment and marked again after.
func (s *session) expungeAlone(set imap.UIDSet) error {
	data, err := s.c.UIDSearch(&imap.SearchCriteria{
		Flag: []imap.Flag{imap.FlagDeleted},
		Not:  []imap.SearchCriteria{{UID: []imap.UIDSet{set}}},
	}, nil).Wait()
	if err != nil {
		return s.fail(refused("to search the folder", err))
	}
	others := imap.UIDSetNum(data.AllUIDs()...)
	flag := func(op imap.StoreFlagsOp) error {
		if len(others) == 0 {
			return nil
		}
		return s.c.Store(others, &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
	}
	if err := flag(imap.StoreFlagsDel); err != nil {
		return s.fail(refused("to keep other deleted messages", err))
	}
	err = s.c.Expunge().Close()
	if ferr := flag(imap.StoreFlagsAdd); ferr != nil {
		err = errors.Join(err, ferr)
	}
	if err != nil {
		return s.fail(refused("to expunge the message", err))
	}
	return nil
}

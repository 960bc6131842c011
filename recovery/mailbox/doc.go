// Package mailbox keeps fragments of a Recovery Key, and copies of the
// Recovery Pack, in the user's own IMAP mailboxes (location kind "imap").
//
// A fragment is sealed under a key of its own (kept in the pack's record)
// and saved as the attachment of a message in a folder of its own
// ("Passcrow Recovery" unless the user names another), whose text says
// in plain words what it is and not to delete it. The message carries a
// random id in the header X-Passcrow-Fragment; recovery logs in, searches
// for that header and opens the attachment with the record's key, so the
// mail operator, or whoever reads the mailbox, learns nothing without the
// pack. Each of the user's accounts is a location of its own.
//
// A copy of the pack saved in a mailbox (SavePack) survives the loss of
// the computer; on a fresh install ListPacks and FetchPack bring it back.
// Messages holding a pack carry the header X-Passcrow-Pack: a hash of the
// pack's name. A pack is useless without enough fragments, but a pack
// beside enough fragments is not, so SavePack refuses a mailbox whose own
// fragments would then be all that recovery needs.
//
// Connections use TLS or STARTTLS with certificate checks; an unencrypted
// connection is allowed only to a loopback IP address (for tests and
// local bridges such as Proton Mail Bridge). Passwords are used to log in
// and never kept: programs ask the user, or the OS keychain when the user
// agreed.
package mailbox

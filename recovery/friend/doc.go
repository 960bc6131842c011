// Package friend keeps a fragment in a friend's inbox: the sealed
// fragment is mailed, through the user's own mail account, as an
// attachment of a plain letter that tells the friend what it is, to keep
// it, and to send it back when the owner asks (Mailpile's recovery
// proposal, "Friends' e-mail inboxes").
//
// What the pack remembers. As the proposal asks, nothing says which
// friends got fragments: a record holds the fragment's seal key (which
// alone recognises a returned fragment as this location's) and a hint
// such as "a friend (fragment 2 of 3)". The friend's address is known
// only while placing; a printed hard copy may list it if the user wants.
// At recovery the user imports whatever the friend sent back (the
// forwarded mail as a .eml file, the bare attachment, or pasted text)
// and Recovery.GatherAny tries it on every friend location of the pack.
//
// Why an attachment. A reply quotes the body of a mail, never its
// attachments, so the fragment cannot leak into a reply thread. It is
// sealed anyway (recovery.SealFragment): without the owner's pack it is
// worthless to the friend, to their mail provider, or to anyone reading
// along.
//
// No copy is kept by the sender. The mail goes out by SMTP submission,
// which stores nothing in the user's Sent or Drafts folders (this
// package never talks IMAP). Some providers (Gmail, Outlook.com) file a
// copy of every submitted mail in Sent on their own; the copy is as
// sealed as the friend's.
//
// Forgetting. Nothing can be deleted from a friend's mailbox, so Delete
// does nothing. Deleting the pack destroys the seal key, and with it
// every copy of the fragment becomes unreadable for good
// ("crypto-shredding"): forgetting the pack is what voids a friend's
// copy, and the letter says so.
package friend

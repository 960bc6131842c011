package server

import (
	"bufio"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
)

// The journal's records: one escrow creation each, whole (length and
// CRC-32C) or ignored on replay.

// journalRecord is one creation read back from a journal.
type journalRecord struct {
	seq uint64
	e   Escrow
}

// appendRecord encodes one creation: length, CRC-32C of the rest, seq,
// expiration, then id, kind and data each with a uvarint length.
func appendRecord(buf []byte, seq uint64, e Escrow) []byte {
	start := len(buf)
	buf = append(buf, make([]byte, 8)...)
	buf = binary.BigEndian.AppendUint64(buf, seq)
	buf = binary.BigEndian.AppendUint64(buf, uint64(e.Expiration))
	for _, s := range []string{e.ID, e.Kind, e.Data} {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	body := buf[start+8:]
	binary.BigEndian.PutUint32(buf[start:], uint32(len(body)))
	binary.BigEndian.PutUint32(buf[start+4:], crc32.Checksum(body, castagnoli))
	return buf
}

// readJournal reads the whole records of a journal file; a torn or
// damaged record ends it (nothing after one was acknowledged), and so
// does one whose seq does not follow the one before: what a recycled
// file held before (journal_file.go).
func readJournal(name string) ([]journalRecord, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var out []journalRecord
	head := make([]byte, 8)
	for {
		if _, err := io.ReadFull(r, head); err != nil {
			return out, nil
		}
		n, sum := binary.BigEndian.Uint32(head), binary.BigEndian.Uint32(head[4:])
		if n < 16 || n > maxRecordBytes {
			return out, nil
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil || crc32.Checksum(body, castagnoli) != sum {
			return out, nil
		}
		rec, ok := parseRecord(body)
		if !ok || len(out) > 0 && rec.seq != out[len(out)-1].seq+1 {
			return out, nil
		}
		out = append(out, rec)
	}
}

func parseRecord(b []byte) (journalRecord, bool) {
	rec := journalRecord{seq: binary.BigEndian.Uint64(b), e: Escrow{Expiration: int64(binary.BigEndian.Uint64(b[8:]))}}
	b = b[16:]
	var fields [3]string
	for i := range fields {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return journalRecord{}, false
		}
		fields[i] = string(b[k : k+int(n)])
		b = b[k+int(n):]
	}
	rec.e.ID, rec.e.Kind, rec.e.Data = fields[0], fields[1], fields[2]
	return rec, len(b) == 0 && rec.e.ID != ""
}

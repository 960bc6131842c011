package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// Info is what release-test asks of a Windows executable.
type Info struct {
	GUI           bool              // IMAGE_SUBSYSTEM_WINDOWS_GUI, not a console program
	Machine       uint16            // pe.IMAGE_FILE_MACHINE_*
	FileVersion   string            // VS_FIXEDFILEINFO's file version, "a.b.c.d"
	Strings       map[string]string // StringFileInfo: ProductVersion, FileDescription, ...
	Icons         int               // RT_GROUP_ICON resources
	HasManifest   bool
	HasVersion    bool
	ResourceTypes []uint32
}

// read parses f's optional header and resource section. Every offset is
// checked: the file is whatever a build produced.
func read(f *pe.File) (Info, error) {
	var info Info
	info.Machine = f.Machine
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		info.GUI = oh.Subsystem == pe.IMAGE_SUBSYSTEM_WINDOWS_GUI
	case *pe.OptionalHeader32:
		info.GUI = oh.Subsystem == pe.IMAGE_SUBSYSTEM_WINDOWS_GUI
	default:
		return info, errors.New("no optional header")
	}
	sec := f.Section(".rsrc")
	if sec == nil {
		return info, nil
	}
	data, err := sec.Data()
	if err != nil {
		return info, fmt.Errorf("read .rsrc: %w", err)
	}
	r := rsrc{data: data, va: sec.VirtualAddress}
	types, err := r.dir(0)
	if err != nil {
		return info, err
	}
	for _, t := range types {
		info.ResourceTypes = append(info.ResourceTypes, t.id)
		switch t.id {
		case rtGroupIcon:
			names, err := r.dir(t.off)
			if err != nil {
				return info, err
			}
			info.Icons += len(names)
		case rtManifest:
			info.HasManifest = true
		case rtVersion:
			blob, err := r.first(t.off, 2)
			if err != nil {
				return info, fmt.Errorf("version resource: %w", err)
			}
			if err := parseVersion(blob, &info); err != nil {
				return info, fmt.Errorf("version resource: %w", err)
			}
			info.HasVersion = true
		}
	}
	return info, nil
}

type rsrc struct {
	data []byte
	va   uint32
}

type entry struct {
	id  uint32
	off uint32 // of a subdirectory (high bit cleared) or a data entry
	sub bool
}

// dir reads the resource directory at off (IMAGE_RESOURCE_DIRECTORY).
func (r rsrc) dir(off uint32) ([]entry, error) {
	if uint64(off)+16 > uint64(len(r.data)) {
		return nil, fmt.Errorf("resource directory at %d is outside .rsrc", off)
	}
	n := int(binary.LittleEndian.Uint16(r.data[off+12:])) + int(binary.LittleEndian.Uint16(r.data[off+14:]))
	if uint64(off)+16+uint64(n)*8 > uint64(len(r.data)) {
		return nil, fmt.Errorf("resource directory at %d: %d entries overrun .rsrc", off, n)
	}
	out := make([]entry, n)
	for i := range out {
		p := off + 16 + uint32(i)*8
		o := binary.LittleEndian.Uint32(r.data[p+4:])
		out[i] = entry{id: binary.LittleEndian.Uint32(r.data[p:]), off: o &^ (1 << 31), sub: o&(1<<31) != 0}
	}
	return out, nil
}

// first follows the first entry down depth-1 more directory levels and
// returns that resource's bytes: from a type's directory, depth 2 (name,
// then language, whose entries are the data).
func (r rsrc) first(off uint32, depth int) ([]byte, error) {
	for level := 1; level < depth; level++ {
		es, err := r.dir(off)
		if err != nil {
			return nil, err
		}
		if len(es) == 0 || !es[0].sub {
			return nil, errors.New("empty resource directory")
		}
		off = es[0].off
	}
	es, err := r.dir(off)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 || es[0].sub {
		return nil, errors.New("no resource data")
	}
	p := es[0].off
	if uint64(p)+16 > uint64(len(r.data)) {
		return nil, errors.New("resource data entry outside .rsrc")
	}
	rva, size := binary.LittleEndian.Uint32(r.data[p:]), binary.LittleEndian.Uint32(r.data[p+4:])
	if rva < r.va || uint64(rva-r.va)+uint64(size) > uint64(len(r.data)) {
		return nil, fmt.Errorf("resource data at RVA %#x (%d bytes) is outside .rsrc", rva, size)
	}
	return r.data[rva-r.va : rva-r.va+size], nil
}

// block is one node of a VS_VERSIONINFO tree: wLength, wValueLength,
// wType, a NUL-terminated UTF-16 key, the value and the children, each
// 32-bit aligned from the start of the resource.
type block struct {
	key      string
	value    []byte
	text     bool
	children []block
}

func parseBlock(b []byte, base int) (block, int, error) {
	if len(b) < 6 {
		return block{}, 0, errors.New("truncated block")
	}
	length := int(binary.LittleEndian.Uint16(b))
	valueLen := int(binary.LittleEndian.Uint16(b[2:]))
	text := binary.LittleEndian.Uint16(b[4:]) == 1
	if length < 6 || length > len(b) {
		return block{}, 0, fmt.Errorf("block length %d outside its %d bytes", length, len(b))
	}
	b = b[:length]
	p := 6
	var key []uint16
	for {
		if p+2 > len(b) {
			return block{}, 0, errors.New("unterminated key")
		}
		c := binary.LittleEndian.Uint16(b[p:])
		p += 2
		if c == 0 {
			break
		}
		key = append(key, c)
	}
	align := func(p int) int { return p + (4-(base+p)%4)%4 }
	p = align(p)
	if text {
		valueLen *= 2 // counted in WCHARs
	}
	if p+valueLen > len(b) {
		return block{}, 0, errors.New("value overruns its block")
	}
	blk := block{key: string(utf16.Decode(key)), value: b[p : p+valueLen], text: text}
	p = align(p + valueLen)
	for p < len(b) {
		c, n, err := parseBlock(b[p:], base+p)
		if err != nil {
			return block{}, 0, fmt.Errorf("%s: %w", blk.key, err)
		}
		blk.children = append(blk.children, c)
		p = align(p + n)
	}
	return blk, length, nil
}

func utf16z(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

func parseVersion(b []byte, info *Info) error {
	root, _, err := parseBlock(b, 0)
	if err != nil {
		return err
	}
	if root.key != "VS_VERSION_INFO" {
		return fmt.Errorf("key %q, want VS_VERSION_INFO", root.key)
	}
	if len(root.value) < 52 || binary.LittleEndian.Uint32(root.value) != 0xFEEF04BD {
		return errors.New("no VS_FIXEDFILEINFO")
	}
	ms, ls := binary.LittleEndian.Uint32(root.value[8:]), binary.LittleEndian.Uint32(root.value[12:])
	info.FileVersion = fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
	info.Strings = map[string]string{}
	for _, c := range root.children {
		if c.key != "StringFileInfo" {
			continue
		}
		for _, table := range c.children {
			for _, s := range table.children {
				info.Strings[s.key] = utf16z(s.value)
			}
		}
	}
	return nil
}

// utf16le is s as Windows stores it, for tests.
func utf16le(s string) []byte {
	var buf bytes.Buffer
	for _, c := range utf16.Encode([]rune(s)) {
		_ = binary.Write(&buf, binary.LittleEndian, c)
	}
	return buf.Bytes()
}

package main

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// versionBlob encodes a VS_VERSIONINFO the way rc.exe lays it out.
func versionBlob(fileVersion string, strs map[string]string) []byte {
	var a, b, c, d uint32
	fmt.Sscanf(fileVersion, "%d.%d.%d.%d", &a, &b, &c, &d)
	fixed := make([]byte, 52)
	binary.LittleEndian.PutUint32(fixed, 0xFEEF04BD)
	binary.LittleEndian.PutUint32(fixed[4:], 0x10000)
	binary.LittleEndian.PutUint32(fixed[8:], a<<16|b)
	binary.LittleEndian.PutUint32(fixed[12:], c<<16|d)
	keys := make([]string, 0, len(strs))
	for k := range strs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var table [][]byte
	for _, k := range keys {
		v := append(utf16le(strs[k]), 0, 0)
		table = append(table, encodeBlock(k, v, len(v)/2, true, nil))
	}
	sfi := encodeBlock("StringFileInfo", nil, 0, true, [][]byte{encodeBlock("040904b0", nil, 0, true, table)})
	return encodeBlock("VS_VERSION_INFO", fixed, len(fixed), false, [][]byte{sfi})
}

func encodeBlock(key string, value []byte, valueLen int, text bool, children [][]byte) []byte {
	pad := func(b []byte) []byte {
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	b := make([]byte, 6)
	b = append(b, utf16le(key)...)
	b = append(b, 0, 0)
	b = pad(b)
	b = append(b, value...)
	for _, c := range children {
		b = pad(b)
		b = append(b, c...)
	}
	binary.LittleEndian.PutUint16(b, uint16(len(b)))
	binary.LittleEndian.PutUint16(b[2:], uint16(valueLen))
	if text {
		binary.LittleEndian.PutUint16(b[4:], 1)
	}
	return b
}

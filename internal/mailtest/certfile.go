//go:build linux

package mailtest

import "path/filepath"

// CertFile is the PEM file of the servers' certificate (its own CA), for
// programs that take a CA file, such as the CLI's ca-file= option.
func (m *Mail) CertFile() string { return filepath.Join(m.dir, "tls", "cert.pem") }

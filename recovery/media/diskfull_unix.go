//go:build !windows

package media

import (
	"errors"
	"syscall"
)

// diskFull tells whether err says the file system is full: no blocks
// (ENOSPC) or, on a quota, no allowance left (EDQUOT).
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

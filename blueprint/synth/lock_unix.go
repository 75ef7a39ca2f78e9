//go:build unix

package synth

import (
	"os"
	"syscall"
)

// lock takes an exclusive lock on the folder that holds the out dir,
// waiting while another synth holds it. Locking the folder itself leaves
// no lock file behind (a file would have to stay, or the lock would not
// be exclusive).
func lock(parent, _ string) (func(), error) {
	f, err := os.Open(parent)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

package evidence

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Bounds on what uatrun reads from the evidence directory and key files.
// Everything it reads there may come from someone else (an evidence folder
// handed over, a path in a merchant's config), so every read is bounded
// and only regular files are read at all: /dev/zero, a FIFO or a socket
// is refused at once instead of filling memory or blocking forever.
const (
	// MaxEvidenceFile bounds evidence.json and journal.jsonl.
	MaxEvidenceFile = 256 << 20
	// MaxKeyFile bounds a PEM key file.
	MaxKeyFile = 64 << 10
)

// ErrNotRegular is returned by ReadFileBounded for anything but a regular
// file (a device, FIFO, socket or directory).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned by ReadFileBounded for a file over its bound.
var ErrTooLarge = errors.New("file too large")

// ReadFileBounded reads the regular file at path, at most max bytes. The
// file is opened without blocking (a FIFO swapped in after the first
// check cannot hang the open) and checked again once open, so what is
// read is the regular file that was checked.
func ReadFileBounded(path string, max int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(path, info, max); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err = f.Stat()
	if err != nil {
		return nil, err
	}
	if err := regular(path, info, max); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w (more than %s)", path, ErrTooLarge, sizeText(max))
	}
	return data, nil
}

func regular(path string, info os.FileInfo, max int64) error {
	if !info.Mode().IsRegular() {
		kind := info.Mode().Type().String()
		if info.IsDir() {
			kind = "a directory"
		}
		return fmt.Errorf("%s: %w (%s); give the path of a plain file", path, ErrNotRegular, kind)
	}
	if info.Size() > max {
		return fmt.Errorf("%s: %w (%d bytes, more than %s)", path, ErrTooLarge, info.Size(), sizeText(max))
	}
	return nil
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

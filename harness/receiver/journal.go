package receiver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// journal appends one JSON line per callback. Each line goes to the file
// in a single write, so a killed run leaves at most a torn last line.
type journal struct {
	f   *os.File
	err error // first write error, reported by Close
}

func openJournal(path string) (*journal, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("receiver journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("receiver journal: %w", err)
	}
	return &journal{f: f}, nil
}

// write appends cb; the caller holds the receiver's lock, which keeps lines
// in Seq order.
func (j *journal) write(cb Callback) {
	if j == nil || j.f == nil {
		return
	}
	line, err := json.Marshal(cb)
	if err == nil {
		_, err = j.f.Write(append(line, '\n'))
	}
	if err != nil && j.err == nil {
		j.err = fmt.Errorf("receiver journal %s: callback %d: %w", j.f.Name(), cb.Seq, err)
	}
}

// close is idempotent; it returns the first write error or the close error.
func (j *journal) close() error {
	if j == nil || j.f == nil {
		return nil
	}
	err := errors.Join(j.err, j.f.Close())
	j.f = nil
	return err
}

// ReadJournal reads a journal written by a Receiver. A torn last line (a
// run killed mid-write) is ignored; a malformed line elsewhere is an error
// naming its line number, returned with the callbacks read before it.
func ReadJournal(path string) ([]Callback, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("receiver journal: %w", err)
	}
	defer f.Close()
	var out []Callback
	br := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, rerr := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var cb Callback
			if err := json.Unmarshal(line, &cb); err != nil {
				if rerr == io.EOF { // no newline: the writer was cut short
					return out, nil
				}
				return out, fmt.Errorf("receiver journal %s:%d: %w", path, n, err)
			}
			out = append(out, cb)
		}
		if rerr == io.EOF {
			return out, nil
		}
		if rerr != nil {
			return out, fmt.Errorf("receiver journal %s: %w", path, rerr)
		}
	}
}

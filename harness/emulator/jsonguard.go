package emulator

import "fmt"

// MaxJSONDepth bounds how deeply a merchant's JSON body may nest. Gateway
// request bodies nest three or four levels; a body nested deeper is
// answered with the gateway's invalid-format error before any JSON parser
// or validator sees it, so a nesting bomb costs no more than its bytes.
const MaxJSONDepth = 64

// JSONDepthError is returned by CheckJSONDepth for a body that nests
// deeper than allowed.
type JSONDepthError struct {
	Max    int // the limit
	Offset int // the byte offset of the bracket that went past it
}

func (e *JSONDepthError) Error() string {
	return fmt.Sprintf("the JSON body nests deeper than %d levels (at byte %d)", e.Max, e.Offset)
}

// CheckJSONDepth scans body once, byte by byte, and refuses it when its
// objects and arrays nest deeper than max (MaxJSONDepth when max <= 0).
// It does not parse: brackets inside strings are skipped, and malformed
// JSON that stays shallow passes, to be refused by the gateway's own
// parser. It allocates nothing and never recurses, so it is safe to run on
// an unauthenticated body before anything else reads it.
func CheckJSONDepth(body []byte, max int) error {
	if max <= 0 {
		max = MaxJSONDepth
	}
	depth, inString, escaped := 0, false, false
	for i, b := range body {
		if inString {
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
			continue
		}
		switch b {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return &JSONDepthError{Max: max, Offset: i}
			}
		case '}', ']':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

package purwantara

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// obj is a JSON object whose keys keep the order they were added in, as a
// PHP associative array does. Webhook payloads are built from it so that
// the bytes are the same on every delivery and for every verifier.
type obj []field

type field struct {
	k string
	v any
}

// get returns the value of key k, if present.
func (o obj) get(k string) (any, bool) {
	for _, f := range o {
		if f.k == k {
			return f.v, true
		}
	}
	return nil, false
}

// with returns a copy of o with key k set to v (replaced in place, or
// appended when absent).
func (o obj) with(k string, v any) obj {
	out := make(obj, len(o), len(o)+1)
	copy(out, o)
	for i := range out {
		if out[i].k == k {
			out[i].v = v
			return out
		}
	}
	return append(out, field{k, v})
}

// marshalPHP encodes v exactly as PHP's json_encode does with its default
// flags: no whitespace, keys in insertion order, "/" escaped as "\/", every
// non-ASCII character as a lowercase \uXXXX escape (surrogate pairs above
// U+FFFF), and <, >, &, ' left alone. Those defaults are what a merchant's
// PHP verifier reproduces when it re-encodes the parsed payload (spec §3).
func marshalPHP(v any) []byte {
	var b bytes.Buffer
	writePHP(&b, v)
	return b.Bytes()
}

func writePHP(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case json.Number:
		b.WriteString(x.String())
	case string:
		writePHPString(b, x)
	case obj:
		writePHPObject(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writePHP(b, e)
		}
		b.WriteByte(']')
	default:
		// Only the types above are ever built; a stray one is written as
		// its text so nothing is silently dropped.
		writePHPString(b, fmt.Sprint(x))
	}
}

func writePHPObject(b *bytes.Buffer, o obj) {
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		writePHPString(b, f.k)
		b.WriteByte(':')
		writePHP(b, f.v)
	}
	b.WriteByte('}')
}

// writePHPString escapes like json_encode. Invalid UTF-8 (which PHP would
// refuse to encode at all) becomes U+FFFD so a payload is always sent.
func writePHPString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '/':
			b.WriteString(`\/`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(b, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
}

// maxDepth bounds nesting when decoding untrusted JSON.
const maxDepth = 64

// ReencodePHP is what a PHP verifier signs: json_encode(json_decode($raw,
// true)). It decodes raw keeping key order and number text, then encodes
// with PHP's defaults. A payload verifies under both a raw-body verifier and
// a re-encoding one exactly when ReencodePHP(raw) equals raw.
//
// Two PHP behaviours are deliberately not reproduced because the emulator
// never sends them: an empty object re-encodes as [] in PHP, and floats
// are re-printed by PHP's own rules; here both keep their original text.
func ReencodePHP(raw []byte) ([]byte, error) {
	v, err := decodeOrdered(raw)
	if err != nil {
		return nil, err
	}
	return marshalPHP(v), nil
}

// decodeOrdered parses one JSON value into obj, []any, string,
// json.Number, bool or nil, keeping object key order.
func decodeOrdered(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := readValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func readValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("JSON nested deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return readObject(dec, depth)
		}
		if t == '[' {
			return readArray(dec, depth)
		}
		return nil, fmt.Errorf("unexpected %q", t)
	default:
		return t, nil // string, json.Number, bool or nil
	}
}

func readObject(dec *json.Decoder, depth int) (any, error) {
	o := obj{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, ok := kt.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		v, err := readValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		o = append(o, field{k, v})
	}
	_, err := dec.Token() // '}'
	return o, err
}

func readArray(dec *json.Decoder, depth int) (any, error) {
	a := []any{}
	for dec.More() {
		v, err := readValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
	_, err := dec.Token() // ']'
	return a, err
}

package config

import (
	"reflect"

	"gopkg.in/yaml.v3"
)

// Words is one word or a list of them: merchant.statuses accepts
// "PAID: settled" and "PENDING: [pending, review, challenge]".
type Words []string

var wordsType = reflect.TypeFor[Words]()

// scalarWord decodes a single word as a one-word list; a list goes through
// the ordinary sequence decoding, with its positions.
func (d *decoder) scalarWord(n *yaml.Node, v reflect.Value, path string) {
	var w string
	d.scalar(n, reflect.ValueOf(&w).Elem(), path)
	v.Set(reflect.ValueOf(Words{w}))
}

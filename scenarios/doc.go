// Package scenarios embeds uatrun's built-in scenario packs, one directory
// per gateway, so the binary needs no files beside it.
package scenarios

// Package suggest finds the nearest valid word for a misspelt one, so that
// config and scenario errors can say "did you mean …?".
package suggest

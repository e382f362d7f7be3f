// Package config loads uatrun's config file: strict YAML where an unknown
// or misspelled key is an error naming file:line:col and the nearest valid
// key, ${ENV_VAR} expansion for secrets, validation of URLs, listen
// addresses and key files, and defaults for everything optional.
//
// Load reads a file, checks the key files it names and makes its paths
// absolute; Parse does the same decoding and validation on bytes without
// touching the file system. Both report every problem at once as Errors,
// sorted by position, each with a remedy:
//
//	uatrun.yaml:3:3: unknown key "bse_url" in merchant; did you mean "base_url"?
//
// Decoding walks yaml.v3's node tree by reflection over the config
// structs' yaml tags instead of relying on KnownFields, which custom
// unmarshalers lose (go-yaml/yaml#460); that walk is also what gives every
// type error its position. Secrets lists the values the evidence must
// redact; Digest identifies the settings of a run without revealing them.
package config

// Package config loads uatrun's config file: strict YAML where an unknown
// or misspelled key is an error naming file:line:col and the nearest valid
// key, ${ENV_VAR} expansion for secrets, validation of URLs, listen
// addresses and key files, and defaults for everything optional.
package config

package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads the config file at path, expands ${ENV} references from the
// process environment, resolves relative paths (key files, report and
// scenario directories) against the file's directory, and checks that the
// key files exist and parse. Every problem comes back at once as Errors.
func Load(path string) (*Config, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, Errors{{File: path, Msg: err.Error(), Fix: "check the path, or start from config.example.yaml"}}
	}
	c, d := parse(path, data, os.LookupEnv)
	if c != nil {
		dir, err := filepath.Abs(filepath.Dir(path))
		if err != nil {
			return nil, Errors{{File: path, Msg: err.Error()}}
		}
		c.resolve(dir)
		d.checkFiles(c)
	}
	if err := d.result(); err != nil {
		return nil, err
	}
	return c, nil
}

func readBounded(path string) ([]byte, error) {
	// Stat before opening: opening a FIFO blocks until someone writes.
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s); a config is a plain YAML file", info.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("larger than %d KiB, too large to be a uatrun config", MaxFileSize>>10)
	}
	return data, nil
}

// Parse decodes and validates a config held in memory; name is used in
// error positions and as Config.File. It does not touch the file system:
// paths stay as written and key files are not read (Load does both).
func Parse(name string, data []byte, env func(string) (string, bool)) (*Config, error) {
	c, d := parse(name, data, env)
	if err := d.result(); err != nil {
		return nil, err
	}
	return c, nil
}

// parse returns the config (nil when the YAML is unusable) together with
// the decoder, whose positions Load needs for its file checks.
func parse(name string, data []byte, env func(string) (string, bool)) (*Config, *decoder) {
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	d := newDecoder(name, data, env)
	root := d.document(data)
	if root == nil {
		return nil, d
	}
	c := &Config{File: name}
	d.decode(root, reflect.ValueOf(c).Elem(), "")
	applyDefaults(c)
	d.validate(c, root)
	c.secrets = d.collectSecrets(c)
	return c, d
}

// document parses the YAML text into its single top-level mapping.
func (d *decoder) document(data []byte) (root *yaml.Node) {
	if len(data) > MaxFileSize {
		d.errorAt(0, 0, "", "larger than %d KiB, too large to be a uatrun config", MaxFileSize>>10)
		return nil
	}
	defer func() {
		// yaml.v3 has panicked on hostile input before; a config loader
		// must answer with an error, never a crash.
		if r := recover(); r != nil {
			d.errorAt(0, 0, "check the YAML syntax", "the YAML parser failed: %v", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorAt(0, 0, "start from config.example.yaml", "the config file is empty")
		} else {
			d.yamlError(err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorAt(extra.Line, extra.Column, "keep one document; remove the --- line", "the file holds more than one YAML document")
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		d.errorAt(0, 0, "start from config.example.yaml", "the config file is empty")
		return nil
	}
	root = doc.Content[0]
	if d.follow(root).Kind != yaml.MappingNode {
		d.errorf(root, "start from config.example.yaml", "the config must be a mapping of sections (merchant:, gateway:, …)")
		return nil
	}
	return root
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns "yaml: line 4: did not find expected key" into a
// positioned Error; yaml.v3 gives syntax errors a line but no column.
func (d *decoder) yamlError(err error) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if strings.HasPrefix(m[2], "did not find expected") {
			// yaml.v3 reports these parser errors at the 0-based line
			// of the construct being parsed: one line early.
			d.errorAt(line+1, 0, "a list, mapping or quoted value that starts on this line is not closed or not indented consistently", "YAML syntax: %s", m[2])
			return
		}
		d.errorAt(line, 0, "check the indentation (spaces, not tabs) and quoting around this line", "YAML syntax: %s", m[2])
		return
	}
	d.errorAt(0, 0, "check the YAML syntax", "%s", msg)
}

// resolve makes the file paths in c absolute against dir.
func (c *Config) resolve(dir string) {
	for _, p := range c.paths() {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// paths lists the settings that name files or directories.
func (c *Config) paths() []*string {
	g := &c.Gateway
	return []*string{&g.MerchantPublicKey, &g.GatewayPrivateKey, &g.GatewayPublicKey,
		&c.Report.Dir, &c.Report.SigningKey, &c.Run.Dir}
}

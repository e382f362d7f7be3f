package merchant

import (
	"context"
	"strings"
	"testing"

	"github.com/uatrun/uatrun/harness/config"
)

// Attack: a command action in a merchant's config received every
// environment variable of whoever ran uatrun (GITHUB_TOKEN, cloud keys),
// and the evidence's redaction hid that it had. It now receives PATH and
// the variables its action declares, nothing else.
func TestDo_CommandGetsOnlyPathAndDeclaredEnv(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghp_reviewer_token")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "reviewer-cloud-key")
	t.Setenv("SHOP_DB_URL", "postgres://shop")
	d := newDriver(t, "", map[string]config.Action{"env": {Command: helperCommand("env"), Env: []string{"SHOP_DB_URL"}}}, Options{})
	res, err := d.Do(context.Background(), "env", nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, kv := range res.JSON.(map[string]any)["env"].([]any) {
		name, _, _ := strings.Cut(kv.(string), "=")
		names = append(names, name)
	}
	if got := strings.Join(names, " "); got != "PATH SHOP_DB_URL" {
		t.Errorf("the command's environment holds %q, want PATH SHOP_DB_URL only", got)
	}
	if strings.Contains(string(res.Body), "ghp_reviewer_token") || strings.Contains(string(res.Body), "reviewer-cloud-key") {
		t.Error("an undeclared variable reached the command")
	}
}

package cmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMigratePrintsADiffAndWritesVersion2(t *testing.T) {
	old := "# the team's pipeline\nname: p\naws_resources:\n  - name: T   # alerts\n    type: sns_topic\ngroups:\n"
	dir := repo(t, map[string]string{"config.yaml": old, "configs/new.yaml": "version: 2\nname: q\n"})

	code, out, errOut := run(t, nil, "migrate", dir)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, `--- a/config.yaml
+++ b/config.yaml
@@ -1,6 +1,8 @@
 # the team's pipeline
+version: 2
 name: p
 aws_resources:
-  - name: T   # alerts
+  - name: T # alerts
     type: sns_topic
-groups:
+properties:
+  stage_in_names: false
`, out)
	raw, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	require.NoError(t, err)
	assert.Equal(t, old, string(raw), "without --write nothing is written")

	code, _, errOut = run(t, nil, "migrate", "--write", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "wrote config.yaml")
	code, _, errOut = run(t, nil, "migrate", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "nothing to migrate: every config is version 2")
}

func TestMigrateCarriesTemplateStatements(t *testing.T) {
	old := "name: p\n{% if stage == 'prod' %}\naws_resources:\n  - {name: T, type: sns_topic}\n{% endif %}\ncomment: \"{{ owner }}\"\n"
	dir := repo(t, map[string]string{"config.yaml": old})
	code, _, errOut := run(t, nil, "migrate", "--write", dir)
	require.Equal(t, 0, code, errOut)
	raw, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "version: 2\n"+strings.TrimSuffix(old, "\n")+"\nproperties:\n  stage_in_names: false\n", string(raw))
	assert.Contains(t, errOut, `config.yaml:6:14: warning: undefined variable "owner" renders as empty text in version 1 and is an error in version 2`)
}

func TestMigrateListsWhatItCannotCarry(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": "name: p\n{% if stage == 'prod' %}aws_resources: []{% endif %}\n"})
	code, _, errOut := run(t, nil, "migrate", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "config.yaml:2:1: cannot migrate: a template statement with YAML after it on its line")
}

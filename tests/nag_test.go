package tests

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// TestEveryExamplePassesCDKNag checks the default pipeline and every
// example with cdk-nag's AwsSolutions rules: what blueprint generates
// meets them, but for the rules synth.Suppressed lists with a reason.
func TestEveryExamplePassesCDKNag(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "examples", "*", "config.yaml"))
	require.NoError(t, err)
	dirs = append([]string{filepath.Join("..", "config.yaml")}, dirs...)
	for _, cfg := range dirs {
		dir := filepath.Dir(cfg)
		name := filepath.Base(dir)
		if dir == ".." {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			stacks := testkit.Plan(t, dir, testkit.Options{Stage: "dev"})
			findings, err := synth.SynthNag(stacks, synth.Options{OutDir: filepath.Join(t.TempDir(), "cdk.out"), SkipBundling: true, Registry: engines.Registry()})
			require.NoError(t, err)
			count := map[string]int{}
			var lines []string
			for _, f := range findings {
				count[f.Rule]++
				lines = append(lines, f.Diagnostic().String())
			}
			var rules []string
			for r, n := range count {
				rules = append(rules, fmt.Sprintf("%s×%d", r, n))
			}
			sort.Strings(rules)
			assert.Empty(t, lines, "%s: %s", name, strings.Join(rules, " "))
		})
	}
}

// TestNagFindingsNameTheConfigItem runs the checks a user's --nag runs on
// the fixture of every type: what is left is the API's own design (no
// authorizer, no WAF), reported on the config item that declares it.
func TestNagFindingsNameTheConfigItem(t *testing.T) {
	stacks, diags := testkit.TryPlan(allTypes, testkit.Options{Env: codeBuild})
	require.False(t, diags.HasErrors(), diags.Summary())
	findings, err := synth.SynthNag(stacks, synth.Options{OutDir: filepath.Join(t.TempDir(), "cdk.out"), SkipBundling: true, Registry: engines.Registry()})
	require.NoError(t, err)
	var got []string
	for _, f := range findings {
		got = append(got, f.Diagnostic().String())
	}
	assert.Equal(t, []string{
		"config.yaml:119:5: aws_resources[12]: AwsSolutions-APIG2: The REST API does not have request validation enabled. (resource MyApiGateway-test/Resource)",
		"config.yaml:119:5: aws_resources[12]: AwsSolutions-APIG3: The REST API stage is not associated with AWS WAFv2 web ACL. (resource MyApiGateway-test/DeploymentStage.test/Resource)",
		"config.yaml:119:5: aws_resources[12]: AwsSolutions-APIG4: The API does not implement authorization. (resource MyApiGateway-test/Default/GET/Resource)",
		"config.yaml:119:5: aws_resources[12]: AwsSolutions-APIG6: The REST API Stage does not have CloudWatch logging enabled for all methods. (resource MyApiGateway-test/DeploymentStage.test/Resource)",
		"config.yaml:119:5: aws_resources[12]: AwsSolutions-COG4: The API GW method does not use a Cognito user pool authorizer. (resource MyApiGateway-test/Default/GET/Resource)",
	}, got)
}

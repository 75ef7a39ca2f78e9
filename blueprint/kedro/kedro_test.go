package kedro

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	build   = "testdata/spaceflights/build" // kedro viz build, kedro-viz 12.4 and later
	saveDir = "testdata/spaceflights-viz11" // kedro viz run --save-file, before node_extras and full_name
)

func read(t *testing.T, path, pipeline string) *Pipeline {
	t.Helper()
	p, d := Read(path, pipeline)
	require.False(t, d.HasErrors(), "%v", d)
	return p
}

func group(t *testing.T, p *Pipeline, by string) *Plan {
	t.Helper()
	pl, d := Group(p, by)
	require.False(t, d.HasErrors(), "%v", d)
	return pl
}

func taskNames(p *Pipeline) []string {
	var out []string
	for _, t := range p.Tasks {
		out = append(out, t.Name)
	}
	return out
}

func TestEveryKindOfExportReadsAsTheSamePipeline(t *testing.T) {
	want := read(t, build, "")
	require.Len(t, want.Tasks, 8)
	for name, path := range map[string]string{
		"a build folder":                          build,
		"a Kedro project holding build/":          "testdata/spaceflights",
		"the api folder":                          build + "/api",
		"api/main itself":                         build + "/api/main",
		"a --save-file folder of kedro-viz 11":    saveDir,
		"api/main of kedro-viz 11 (no full_name)": saveDir + "/api/main",
	} {
		t.Run(name, func(t *testing.T) {
			got := read(t, path, "")
			assert.Equal(t, "__default__", got.ID)
			assert.Equal(t, taskNames(want), taskNames(got))
			for i, task := range got.Tasks {
				assert.Equal(t, want.Tasks[i].Inputs, task.Inputs, task.Name)
				assert.Equal(t, want.Tasks[i].Outputs, task.Outputs, task.Name)
				assert.Equal(t, want.Tasks[i].Namespace, task.Namespace, task.Name)
			}
		})
	}
}

func TestNodeNamesCarryTheirNamespaceWithOrWithoutFullName(t *testing.T) {
	for _, path := range []string{build, saveDir} {
		p := read(t, path, "")
		assert.Contains(t, taskNames(p), "data_science.split_data_node", path)
		assert.Contains(t, taskNames(p), "compare_passenger_capacity_node", path)
		assert.Equal(t, "spaceflights", p.Package, "the package comes from api/nodes/<id>'s filepath")
	}
}

func TestTranscodedDatasetsAreOneDatasetToTheOrder(t *testing.T) {
	// kedro-viz 11 writes model_input_table@pandas and @spark as two nodes;
	// later versions as one. Either way the spark reader runs after the
	// pandas writer.
	for _, path := range []string{build, saveDir} {
		pl := group(t, read(t, path, ""), ByNode)
		jobs := map[string]*Job{}
		for _, j := range pl.Jobs {
			jobs[j.Nodes[0]] = j
		}
		reader := jobs["compare_passenger_capacity_node"]
		assert.Equal(t, []string{"data_processing-create_model_input_table_node"}, reader.After, path)
		assert.Greater(t, reader.Wave, jobs["data_processing.create_model_input_table_node"].Wave, path)
	}
}

// dependencyOrderHolds checks every producer → dataset → consumer pair of
// the pipeline: the consumer's job runs in a later group, or is the
// producer's own job.
func dependencyOrderHolds(t *testing.T, pl *Plan) int {
	t.Helper()
	jobOf := map[string]*Job{}
	for _, j := range pl.Jobs {
		for _, n := range j.Nodes {
			jobOf[n] = j
		}
	}
	producers := map[string][]*Task{}
	for _, task := range pl.Pipeline.Tasks {
		for _, o := range task.Outputs {
			producers[o] = append(producers[o], task)
		}
	}
	checked := 0
	for _, task := range pl.Pipeline.Tasks {
		for _, in := range task.Inputs {
			for _, src := range producers[in] {
				a, b := jobOf[src.Name], jobOf[task.Name]
				if a != b {
					assert.Less(t, a.Wave, b.Wave, "%s (%s) produces %s for %s (%s)", src.Name, a.Name, in, task.Name, b.Name)
				}
				checked++
			}
		}
	}
	for i, w := range pl.Waves {
		for _, j := range w {
			assert.Equal(t, i, j.Wave)
		}
	}
	return checked
}

func TestDependencyOrderHoldsForEveryEdge(t *testing.T) {
	large := filepath.Join(t.TempDir(), "main")
	require.NoError(t, os.WriteFile(large, Synthetic(200), 0o644))
	for _, path := range []string{build, saveDir, large} {
		for _, by := range GroupBys {
			p := read(t, path, "")
			pl, d := Group(p, by)
			if path == large && by == ByTag {
				// Tags cut across the chain of the synthetic pipeline.
				require.True(t, d.HasErrors())
				continue
			}
			require.False(t, d.HasErrors(), "%s by %s: %v", path, by, d)
			n := dependencyOrderHolds(t, pl)
			assert.Positive(t, n, "%s by %s checked no edge", path, by)
		}
	}
}

func TestTheLargePipelineIsTwoHundredJobsInDependencyWaves(t *testing.T) {
	large := filepath.Join(t.TempDir(), "main")
	require.NoError(t, os.WriteFile(large, Synthetic(200), 0o644))
	pl := group(t, read(t, large, ""), ByNode)
	assert.Len(t, pl.Jobs, 200)
	assert.Greater(t, len(pl.Waves), 5)
	names := map[string]bool{}
	for _, j := range pl.Jobs {
		assert.False(t, names[j.Name], "%s is used twice", j.Name)
		names[j.Name] = true
	}
	byNS := group(t, read(t, large, ""), ByNamespace)
	assert.Len(t, byNS.Jobs, 4)
	assert.Len(t, byNS.Waves, 4, "the four namespaces run one after the other")
}

func TestGroupByNamespaceGivesOneJobPerNamespace(t *testing.T) {
	pl := group(t, read(t, build, ""), ByNamespace)
	var got []string
	for _, j := range pl.Jobs {
		got = append(got, j.Name+"="+strings.Join(j.Nodes, ","))
	}
	assert.Equal(t, []string{
		"compare_passenger_capacity_node=compare_passenger_capacity_node",
		"data_processing=data_processing.create_model_input_table_node,data_processing.preprocess_companies_node,data_processing.preprocess_shuttles_node",
		"data_science=data_science.evaluate_model_node,data_science.split_data_node,data_science.train_model_node",
		"feature_importance_node=feature_importance_node",
	}, got)
	assert.Len(t, pl.Waves, 3)
}

func TestGroupByTagRunsEachNodeOnceUnderItsFirstTag(t *testing.T) {
	pl := group(t, read(t, build, ""), ByTag)
	seen := map[string]int{}
	var names []string
	for _, j := range pl.Jobs {
		names = append(names, j.Name)
		for _, n := range j.Nodes {
			seen[n]++
		}
	}
	assert.Equal(t, []string{"tag-reporting", "tag-features", "tag-preprocessing", "tag-evaluation", "tag-training"}, names)
	assert.Len(t, seen, 8)
	for n, c := range seen {
		assert.Equal(t, 1, c, n)
	}
	dependencyOrderHolds(t, pl)
}

func TestPipelineFlagReadsApiPipelines(t *testing.T) {
	p := read(t, build, "data_science")
	assert.Equal(t, "data_science", p.ID)
	assert.Equal(t, filepath.Join(build, "api", "pipelines", "data_science"), p.File)
	assert.Equal(t, []string{"data_science.split_data_node", "data_science.train_model_node", "data_science.evaluate_model_node"}, taskNames(p))
	assert.Equal(t, taskNames(read(t, build, "")), taskNames(read(t, build, "__default__")))
}

func TestJobNamesAreStateNamesAndUnique(t *testing.T) {
	jobs := []*Job{
		{Nodes: []string{"ns.make table (v2)"}}, {Nodes: []string{"ns-make_table-v2"}}, {Nodes: []string{"Group1"}},
		{Nodes: []string{strings.Repeat("x", 100)}}, {Nodes: []string{"9lives"}}, {Nodes: []string{"NS-Make_Table-V2"}},
		{Namespace: "data_science", Nodes: []string{"data_science.a"}}, {Tag: "nightly run", Nodes: []string{"b"}},
	}
	names(jobs)
	var got []string
	for _, j := range jobs {
		got = append(got, j.Name)
	}
	assert.Equal(t, []string{"ns-make-table-v2", "ns-make_table-v2", "Group1-2", strings.Repeat("x", 64), "node-9lives",
		"NS-Make_Table-V2-2", "data_science", "tag-nightly-run"}, got)
}

func TestBadExportsAreDiagnosticsNamingFilePathAndValue(t *testing.T) {
	good, err := os.ReadFile(build + "/api/main")
	require.NoError(t, err)
	edit := func(old, new string) string {
		require.Contains(t, string(good), old)
		return strings.Replace(string(good), old, new, 1)
	}
	cases := []struct {
		name, main, pipeline, by, want string
	}{
		{"not JSON", "<html>kedro viz</html>", "", ByNode,
			"F:1: not a kedro-viz export: invalid character '<' looking for beginning of value"},
		{"JSON that is no export", `{"name": "spaceflights", "version": "0.19"}`, "", ByNode,
			"F: not a kedro-viz export: no nodes or edges (an export's api/main holds nodes, edges, pipelines, modular_pipelines)"},
		{"nodes that are no list", `{"nodes": {"a": 1}, "edges": []}`, "", ByNode,
			"F:1: nodes: not a kedro-viz export: nodes must be an array, got a JSON object"},
		{"a task node without a name", edit(`"name":"preprocess_companies_node"`, `"name":""`), "", ByNode,
			`F: nodes[0].name: task node "f8c8d27f" has no name (name: "") (give the Kedro node a name: node(func, inputs, outputs, name="..."); kedro run --nodes needs it)`},
		{"an edge to an unknown id", edit(`{"source":"aed46479","target":"f8c8d27f"}`, `{"source":"aed46479","target":"f8c8d28f"}`), "", ByNode,
			`F: edges[0].target: edge target "f8c8d28f" is no node of the export (did you mean "f8c8d27f"?)`},
		{"a cycle", strings.TrimSuffix(string(good), `],"layers"`) + "", "", ByNode, ""},
		{"an unknown --pipeline", string(good), "data_sceince", ByNode,
			`F: pipelines: no pipeline "data_sceince" in this export; it has "__default__", "data_processing", "data_science" (did you mean "data_science"?)`},
		{"a grouping whose jobs depend on each other", string(good), "", ByTag, ""},
	}
	cases[5].main = edit(`"edges":[`, `"edges":[{"source":"23c94afb","target":"f8c8d27f"},`)
	cases[5].want = `F: edges: the edges form a cycle: data_processing.preprocess_companies_node → data_processing.preprocessed_companies → data_processing.create_model_input_table_node, then data_processing.create_model_input_table_node → model_input_table → data_processing.preprocess_companies_node (a Kedro pipeline is acyclic; the export is damaged or was edited)`
	cases[7].main = edit(`"tags":["preprocessing","features"]`, `"tags":["evaluation"]`)
	cases[7].want = `F: edges: grouped by tag, the jobs depend on each other: data_science.split_data_node → data_science.X_test → data_science.evaluate_model_node, then data_processing.create_model_input_table_node → model_input_table → data_science.split_data_node (a job runs only after every job it needs; --group-by node keeps each node apart)`
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "api"), 0o755))
			file := filepath.Join(dir, "api", "main")
			require.NoError(t, os.WriteFile(file, []byte(c.main), 0o644))
			p, d := Read(dir, c.pipeline)
			if !d.HasErrors() {
				_, d = Group(p, c.by)
			}
			require.True(t, d.HasErrors())
			var b bytes.Buffer
			d.Sorted().Print(&b)
			first, _, _ := strings.Cut(b.String(), "\n")
			assert.Equal(t, c.want, strings.ReplaceAll(first, file, "F"))
		})
	}
}

func TestAFolderThatIsNoExportIsRefused(t *testing.T) {
	_, d := Read(t.TempDir(), "")
	require.True(t, d.HasErrors())
	assert.Contains(t, d[0].String(), "not a kedro-viz export: no api/main in this folder")
}

func TestTheHandlerPassesItsUnitTestsWithAFakeKedro(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	c := exec.Command(py, "-m", "unittest", "-v", "test_lambda_handler")
	c.Dir = "files"
	c.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := c.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "OK")
}

func TestUpdateReplacesOnlyTheMarkedBlockAndRefusesBrokenMarkers(t *testing.T) {
	fresh := []byte("name: p\n" + BeginMarker + "\ngroups: new\n" + EndMarker + "\n")
	for name, c := range map[string]struct{ cur, want, err string }{
		"the block is replaced, the rest kept": {"# mine\nname: p\n" + BeginMarker + "\ngroups: old\n" + EndMarker + "\nretry: {retry_attempts: 2}\n",
			"# mine\nname: p\n" + BeginMarker + "\ngroups: new\n" + EndMarker + "\nretry: {retry_attempts: 2}\n", ""},
		"no end marker":   {"name: p\n" + BeginMarker + "\ngroups: old\n", "", "the begin marker has no end marker after it"},
		"no begin marker": {"name: p\ngroups: old\n" + EndMarker + "\n", "", "the end marker has no begin marker before it"},
		"two blocks":      {BeginMarker + "\n" + EndMarker + "\n" + BeginMarker + "\n" + EndMarker + "\n", "", "the begin marker is there twice"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(c.cur), 0o644))
			changes, err := Update(dir, map[string][]byte{"config.yaml": fresh}, false)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, changes, 1)
			assert.Equal(t, c.want, string(changes[0].New))
			require.NoError(t, Apply(dir, changes))
			got, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
			require.NoError(t, err)
			assert.Equal(t, c.want, string(got))
		})
	}
}

func TestUpdateWritesUserFilesOnlyWhenMissing(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(BeginMarker+"\n"+EndMarker+"\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), []byte("memory: 4096\n"), 0o644))
	changes, err := Update(dir, map[string][]byte{
		"config.yaml": []byte(BeginMarker + "\n" + EndMarker + "\n"), "variables.yaml": []byte("memory: 1024\n"),
		"README.md": []byte("# new\n"), "tests/sfn/kedro.json": []byte("{}\n"),
	}, false)
	require.NoError(t, err)
	var paths []string
	for _, c := range changes {
		paths = append(paths, c.Path)
	}
	assert.Equal(t, []string{"README.md", "tests/sfn/kedro.json"}, paths)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("name: theirs\n"), 0o644))
	_, err = Update(dir, map[string][]byte{"config.yaml": []byte("x")}, false)
	assert.ErrorIs(t, err, ErrNotImported)
}

func TestANodeKedroNamedAfterItsFunctionIsAWarning(t *testing.T) {
	good, err := os.ReadFile(build + "/api/main")
	require.NoError(t, err)
	main := strings.Replace(string(good), `"full_name":"feature_importance_node"`, `"full_name":"feature_importance([data_science.regressor,params:feature_names]) -> [feature_importance]"`, 1)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main"), []byte(main), 0o644))
	p, d := Read(filepath.Join(dir, "main"), "")
	require.False(t, d.HasErrors(), "%v", d)
	require.Len(t, d, 1)
	assert.Contains(t, d[0].String(), `warning: nodes[`)
	assert.Contains(t, d[0].String(), `has no name of its own: Kedro calls it "feature_importance([data_science.regressor,params:feature_names]) -> [feature_importance]"`)
	pl := group(t, p, ByNode)
	var names []string
	for _, j := range pl.Jobs {
		names = append(names, j.Name)
	}
	assert.Contains(t, names, "feature_importance", "the job is named after the function")
}

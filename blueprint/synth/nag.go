package synth

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
)

// Finding is one resource that breaks a rule of cdk-nag's AwsSolutions pack.
type Finding struct {
	Stack, Rule, Resource, Info string
	// Item is the config item whose build made the resource; nil for
	// what the pipeline itself makes (its state machine, role, logs).
	Item *config.Item
	// Config is the stack's config, for positions.
	Config *config.Stack
}

// Suppressed lists the AwsSolutions rules blueprint's stacks do not meet
// on purpose, each with the reason recorded in the nag report. Everything
// else cdk-nag finds is reported.
var Suppressed = []struct{ Rule, Reason string }{
	{"AwsSolutions-IAM4", "the only AWS managed policies are the service roles AWS documents for the purpose: AWSLambdaBasicExecutionRole (CloudWatch Logs only) for functions, AWSGlueServiceRole for Glue jobs; every other permission is a least-privilege inline grant"},
	{"AwsSolutions-IAM5", "the wildcards are those CDK's grants write and AWS requires: log streams, X-Ray segments, object keys under a granted bucket or prefix, and the job, training and execution names Step Functions integrations create at run time, which cannot be known at deploy"},
	{"AwsSolutions-L1", "the Lambda runtime is config.runtime; its default stays python3.12 so layers bundled for it keep loading, and a config opts into a newer runtime by naming it"},
	{"AwsSolutions-GL1", "Glue writes its CloudWatch logs encrypted with an AWS owned key; a customer-managed KMS key (a Glue security configuration) is an account decision the config does not make"},
	{"AwsSolutions-GL3", "Glue encrypts job bookmarks with an AWS owned key; a customer-managed KMS key (a Glue security configuration) is an account decision the config does not make"},
}

// nagRun collects the stacks of one checked synth.
type nagRun struct {
	stacks []*Stack
}

// SynthNag is Synth with the AwsSolutions checks of cdk-nag: it writes the
// assembly and returns every finding not suppressed above.
func SynthNag(stacks []*plan.Stack, opts Options) ([]Finding, error) {
	run := &nagRun{}
	opts.nag = run
	opts.Cache = nil // the checks read what CDK builds, never a kept assembly
	var findings []Finding
	err := write(opts, func(dir string) error {
		var err error
		findings, err = run.read(dir)
		return err
	}, func(app awscdk.App) error {
		for _, p := range stacks {
			if err := buildStack(app, p, opts, p.Config.StageSuffix()); err != nil {
				return fmt.Errorf("%s: %w", p.Config.Source.Path, err)
			}
		}
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{
			Reports: jsii.Bool(true), ReportFormats: &[]cdknag.NagReportFormat{cdknag.NagReportFormat_CSV},
		}), nil)
		return nil
	})
	return findings, err
}

// suppress records the reasoned suppressions on a stack being checked.
func (r *nagRun) suppress(st *Stack) {
	r.stacks = append(r.stacks, st)
	var list []*cdknag.NagPackSuppression
	for _, s := range Suppressed {
		list = append(list, &cdknag.NagPackSuppression{Id: jsii.String(s.Rule), Reason: jsii.String(s.Reason)})
	}
	cdknag.NagSuppressions_AddStackSuppressions(st.Stack, &list, jsii.Bool(true))
}

// read parses the CSV reports cdk-nag wrote into dir, then removes them:
// the assembly holds only what deploys.
func (r *nagRun) read(dir string) ([]Finding, error) {
	// cdk-nag names a report after its stack's path, / written as -:
	// "AwsSolutions--<stack>-NagReport.csv", and for a nested stack the
	// parent's path comes first.
	reports, err := filepath.Glob(filepath.Join(dir, "AwsSolutions-*-NagReport.csv"))
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, path := range reports {
		var st *Stack
		for _, s := range r.stacks {
			if id := *s.Stack.Node().Id(); strings.Contains(filepath.Base(path), "-"+id+"-") && (st == nil || len(id) > len(*st.Stack.Node().Id())) {
				st = s
			}
		}
		if st == nil {
			return nil, fmt.Errorf("internal error: nag report %s names no stack", filepath.Base(path))
		}
		id := *st.Stack.Node().Id()
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read the nag report of %s: %w", id, err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read the nag report of %s: %w", id, err)
		}
		_ = os.Remove(path)
		for i, row := range rows {
			if i == 0 || len(row) < 6 || row[2] != "Non-Compliant" {
				continue
			}
			res := strings.TrimPrefix(row[1], id+"/")
			out = append(out, Finding{Stack: id, Rule: row[0], Resource: res, Info: row[5], Item: st.owner(res), Config: st.Config})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Stack != b.Stack {
			return a.Stack < b.Stack
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Resource < b.Resource
	})
	return out, nil
}

// Diagnostic places a finding on the config item that made the resource.
func (f Finding) Diagnostic() diag.Diagnostic {
	d := diag.Diagnostic{File: f.Config.Source.Path, Message: fmt.Sprintf("%s: %s (resource %s)", f.Rule, f.Info, f.Resource)}
	if f.Config.Decoder == nil {
		return d
	}
	path := "groups" // the state machine and what it needs
	if f.Item != nil {
		path = f.Item.Path
	}
	p := f.Config.Decoder.Pos(f.Config.Decoder.Node(path))
	d.Line, d.Col, d.Path = p.Line, p.Col, path
	return d
}

// own runs build for it, recording it as the owner of the constructs
// build adds to the stack (those of resources it needs are theirs). Only
// a checked synth needs owners: the walk costs jsii round trips per item,
// with lists that grow with the stack.
func (s *Stack) own(it *config.Item, build func() error) error {
	if s.owners == nil {
		return build()
	}
	scopes := []constructs.Construct{s.Stack}
	if s.scope != nil {
		scopes = append(scopes, s.scope)
	}
	before := make([]int, len(scopes))
	for i, sc := range scopes {
		before[i] = len(*sc.Node().Children())
	}
	err := build()
	prefix := *s.Stack.Node().Path() + "/"
	for i, sc := range scopes {
		for _, c := range (*sc.Node().Children())[before[i]:] {
			key := strings.TrimPrefix(*c.Node().Path(), prefix)
			if _, ok := s.owners[key]; !ok {
				s.owners[key] = it
			}
		}
	}
	return err
}

// owner is the item that made the resource at path (relative to the
// stack): the owner of its top construct, or of the one below a nested
// stack.
func (s *Stack) owner(path string) *config.Item {
	parts := strings.Split(path, "/")
	for n := len(parts); n > 0; n-- {
		if it, ok := s.owners[strings.Join(parts[:n], "/")]; ok {
			return it
		}
	}
	return nil
}

package run

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"github.com/blueprint-dev/blueprint/blueprint/plan"
)

// Options say how to reach AWS. Everything else (credentials, endpoint
// overrides such as AWS_ENDPOINT_URL) comes from the environment and the
// shared config files, as for every AWS SDK and the AWS CLI.
type Options struct {
	// Profile is a profile of the shared config files; "" for the default
	// chain (AWS_PROFILE, then the default profile).
	Profile string
	// Region, when set, wins over the environment's region.
	Region string
}

// Client starts and follows executions in one account and region.
type Client struct {
	Region string
	sfn    *sfn.Client
	ssm    *ssm.Client
}

// Connect loads the configuration and checks that there are credentials,
// so a missing one is said at once, in one line.
func Connect(ctx context.Context, o Options) (*Client, error) {
	var opts []func(*config.LoadOptions) error
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("AWS profile %q is not in the shared config files (~/.aws/config, ~/.aws/credentials)", missing.Profile)
		}
		return nil, fmt.Errorf("AWS configuration: %s", OneLine(err))
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: set AWS_REGION (or aws_region in variables.yaml, or a region in the profile)")
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(cctx); err != nil {
		return nil, fmt.Errorf("no AWS credentials: set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (%s)", OneLine(err))
	}
	return &Client{Region: cfg.Region, sfn: sfn.NewFromConfig(cfg), ssm: ssm.NewFromConfig(cfg)}, nil
}

// NotDeployedError says the stack's SSM parameter does not exist: the
// stack is not deployed for that stage, in that account and region.
type NotDeployedError struct {
	Parameter, Region string
}

func (e *NotDeployedError) Error() string {
	return fmt.Sprintf("SSM parameter %s does not exist in %s: the stack is not deployed there for this stage", e.Parameter, e.Region)
}

// StateMachineArn reads the ARN a deployed stack published in parameter.
func (c *Client) StateMachineArn(ctx context.Context, parameter string) (string, error) {
	out, err := c.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(parameter)})
	var nf *ssmtypes.ParameterNotFound
	if errors.As(err, &nf) {
		return "", &NotDeployedError{Parameter: parameter, Region: c.Region}
	}
	if err != nil {
		return "", fmt.Errorf("read SSM parameter %s: %s", parameter, OneLine(err))
	}
	if out.Parameter == nil || aws.ToString(out.Parameter.Value) == "" {
		return "", fmt.Errorf("SSM parameter %s is empty", parameter)
	}
	return aws.ToString(out.Parameter.Value), nil
}

// Start starts an execution of the state machine with input (JSON).
func (c *Client) Start(ctx context.Context, stateMachine, input string) (string, error) {
	out, err := c.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(stateMachine), Input: aws.String(input)})
	var missing *sfntypes.StateMachineDoesNotExist
	if errors.As(err, &missing) {
		return "", fmt.Errorf("state machine %s does not exist (its SSM parameter outlived it?)", stateMachine)
	}
	if err != nil {
		return "", fmt.Errorf("start an execution of %s: %s", stateMachine, OneLine(err))
	}
	return aws.ToString(out.ExecutionArn), nil
}

// History returns every event of the execution so far, oldest first.
func (c *Client) History(ctx context.Context, execution string) ([]sfntypes.HistoryEvent, error) {
	var events []sfntypes.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(c.sfn, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(execution), MaxResults: 1000})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		var missing *sfntypes.ExecutionDoesNotExist
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("execution %s does not exist", execution)
		}
		if err != nil {
			return nil, fmt.Errorf("read the history of %s: %s", execution, OneLine(err))
		}
		events = append(events, page.Events...)
	}
	return events, nil
}

// Describe returns the execution's status, as the service has it now.
func (c *Client) Describe(ctx context.Context, execution string) (*sfn.DescribeExecutionOutput, error) {
	out, err := c.sfn.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(execution)})
	var missing *sfntypes.ExecutionDoesNotExist
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("execution %s does not exist", execution)
	}
	if err != nil {
		return nil, fmt.Errorf("describe %s: %s", execution, OneLine(err))
	}
	return out, nil
}

// RegionOf is the region of an ARN, "" when s is not one.
func RegionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

// OneLine is an SDK error as one readable line: the service's error code
// and message when it answered, else the error text without its newlines.
func OneLine(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		msg := api.ErrorMessage()
		if msg == "" {
			return api.ErrorCode()
		}
		return api.ErrorCode() + ": " + msg
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return "cannot reach the endpoint: " + op.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Pick is the stack to run: the only one with a state machine, or
// config.yaml's when several have one.
func Pick(stacks []*plan.Stack) (*plan.Stack, error) {
	var with []*plan.Stack
	var names []string
	for _, s := range stacks {
		if s.Machine != nil {
			with = append(with, s)
			names = append(names, s.Config.Source.Path)
		}
	}
	switch {
	case len(with) == 0:
		return nil, errors.New("no config of this repo has a state machine to run (no groups)")
	case len(with) == 1:
		return with[0], nil
	}
	for _, s := range with {
		if s.Config.Main {
			return s, nil
		}
	}
	return nil, fmt.Errorf("several stacks have a state machine (%s): choose one with --config", strings.Join(names, ", "))
}

// Find connects to the region the stack is deployed in (its aws_region,
// else the environment's) and reads its state machine's ARN from the SSM
// parameter it publishes.
func Find(ctx context.Context, st *plan.Stack, o Options) (*Client, string, error) {
	if r := st.Config.Var("aws_region"); r != "" {
		o.Region = r
	}
	c, err := Connect(ctx, o)
	if err != nil {
		return nil, "", err
	}
	arn, err := c.StateMachineArn(ctx, st.ArnParameter())
	if err != nil {
		return nil, "", err
	}
	return c, arn, nil
}

package moto

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
)

// Account is the account moto's server answers for.
const Account = "123456789012"

// Server is moto's HTTP server (python3 -m moto.server) on 127.0.0.1,
// with its Step Functions executor on: the real AWS API, faked.
type Server struct {
	URL string
}

// StartServer starts a server on a free port for the test and stops it
// when the test ends; the test is skipped when moto's server is absent.
// The server runs one execution per region: give each case its own.
func StartServer(t testing.TB) *Server {
	t.Helper()
	if out, err := exec.Command("python3", "-c", "import moto.server, boto3").CombinedOutput(); err != nil {
		t.Skipf("moto's server is not installed here (python3 -m moto.server: %v: %s)", err, bytes.TrimSpace(out))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var logs bytes.Buffer
	cmd := exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moto's server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto's server did not answer on %s: %v\n%s", s.URL, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Post(s.URL+"/moto-api/config", "application/json", strings.NewReader(`{"stepfunctions": {"execute_state_machine": true}}`))
	if err != nil {
		t.Fatalf("configure moto's server: %v", err)
	}
	resp.Body.Close()
	return s
}

// Env is the environment an SDK client needs to talk to the server.
func (s *Server) Env(region string) map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL":            s.URL,
		"AWS_REGION":                  region,
		"AWS_ACCESS_KEY_ID":           "testing",
		"AWS_SECRET_ACCESS_KEY":       "testing",
		"AWS_CONFIG_FILE":             "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
}

// Config is an SDK configuration for the server in region.
func (s *Server) Config(region string) aws.Config {
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(s.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, nil
		}),
	}
}

// Query calls an AWS query-protocol action (SNS, SQS, …) of service in
// region, for the fixtures blueprint itself has no SDK client for.
func (s *Server) Query(t testing.TB, region, service string, params url.Values) {
	t.Helper()
	body := params.Encode()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", service, params.Get("Action"), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s", service, params.Get("Action"), resp.Status)
	}
}

// Deploy creates in region what deploying the planned stack would for
// blueprint run: its state machine, named name, with the deploy-time
// values of its definition filled in (SNS topic ARNs name topics of the
// item's name), and the SSM parameter holding its ARN.
func (s *Server) Deploy(t testing.TB, st *plan.Stack, region, name string) {
	t.Helper()
	raw, err := st.Machine.Definition.MarshalCompact()
	if err != nil {
		t.Fatal(err)
	}
	def := engine.ReplaceRefs(string(raw), func(r engine.Ref) string {
		switch {
		case r == engine.Region:
			return region
		case r == engine.Account:
			return Account
		case r == engine.Partition:
			return "aws"
		case r.Kind == "sns_topic" && r.Attr == "arn":
			return "arn:aws:sns:" + region + ":" + Account + ":" + r.Name
		}
		t.Fatalf("moto.Deploy has no value for %v", r)
		return ""
	})
	ctx := context.Background()
	cfg := s.Config(region)
	sm, err := sfn.NewFromConfig(cfg).CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(def), RoleArn: aws.String("arn:aws:iam::" + Account + ":role/" + name),
	})
	if err != nil {
		t.Fatalf("create state machine %s: %v", name, err)
	}
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(st.ArnParameter()), Value: sm.StateMachineArn, Type: ssmtypes.ParameterTypeString,
	}); err != nil {
		t.Fatalf("put parameter %s: %v", st.ArnParameter(), err)
	}
}

// CreateTopic creates an SNS topic in region.
func (s *Server) CreateTopic(t testing.TB, region, name string) {
	t.Helper()
	s.Query(t, region, "sns", url.Values{"Action": {"CreateTopic"}, "Name": {name}, "Version": {"2010-03-31"}})
}

// UseEnv points the SDK at the server in region for the rest of the
// test, with nothing from the machine's own AWS configuration.
func (s *Server) UseEnv(t *testing.T, region string) {
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL_SSM",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(k, "")
	}
	for k, v := range s.Env(region) {
		t.Setenv(k, v)
	}
}

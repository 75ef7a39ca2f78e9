package sns

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Types handled by this package.
const (
	TopicType   = "sns_topic"
	PublishType = "sns_publish"
)

// Topic is the sns_topic resource.
type Topic struct{}

// TopicSpec: by default every principal of the account may publish and
// subscribe; subscriber_accounts may subscribe too.
type TopicSpec struct {
	engine.Common `yaml:",inline"`
	// Pinned is physical_name and logical_id.
	engine.Pinned `yaml:",inline"`
	Config        struct {
		SubscriberAccounts []string `yaml:"subscriber_accounts"`
		DisplayName        string   `yaml:"display_name" validate:"max=100"`
	} `yaml:"config"`
}

func (Topic) Type() string       { return TopicType }
func (Topic) Kinds() engine.Kind { return engine.Resource }
func (Topic) NewSpec() any       { return &TopicSpec{} }
func (Topic) Describe() string {
	return "SNS topic with an access policy for the account and subscriber accounts"
}

// Publish is the sns_publish step.
type Publish struct{}

// PublishSpec publishes message to topic_name: a topic of this config (by
// its name or its AWS name), a topic ARN, or an existing topic's name.
type PublishSpec struct {
	engine.Job `yaml:",inline"`
	Config     struct {
		TopicName string `yaml:"topic_name" alias:"topic" validate:"required"`
		// Message is text, a mapping (sent as JSON) or a $. path.
		Message any    `yaml:"message" validate:"required"`
		Subject string `yaml:"subject" validate:"max=100"`
	} `yaml:"config"`
	ResultPath string `yaml:"result_path"`
}

func (Publish) Type() string       { return PublishType }
func (Publish) Kinds() engine.Kind { return engine.Step }
func (Publish) NewSpec() any       { return &PublishSpec{} }
func (Publish) Describe() string   { return "publishes a message to an SNS topic" }

// Check keeps the topic's name within SNS's limit.
func (Topic) Check(spec any, c *engine.CheckContext) {
	c.CheckNameLength("topic", engine.NameOf(c.Stack, c.Item), 256)
	for i, a := range spec.(*TopicSpec).Config.SubscriberAccounts {
		if !accountID.MatchString(a) {
			// A warning, as for other placeholder ids: the data.all
			// blueprint's own examples write 11-digit placeholders.
			c.Warnf(fmt.Sprintf("config.subscriber_accounts[%d]", i), "%q is not an AWS account id (12 digits); IAM will reject the topic policy", a)
		}
	}
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// topicOf finds the topic resource a topic_name means, if any.
func topicOf(idx *engine.Index, st *config.Stack, name string) *config.Item {
	for _, it := range idx.Resources {
		if it.Type != TopicType {
			continue
		}
		if it.Name == name || (engine.NameOf(st, it) == name || engine.NameOf(st, it) == config.SafeName(name)) {
			return it
		}
	}
	return nil
}

// Check warns when the topic is neither of this config nor an ARN, since
// it then must already exist in the account.
func (Publish) Check(spec any, c *engine.CheckContext) {
	s := spec.(*PublishSpec)
	checkTopic(s.Config.TopicName, c)
	if m, ok := s.Config.Message.(string); ok && engine.IsRuntimePath(m) {
		if err := engine.CheckPath(m); err != nil {
			c.Errorf("config.message", "%v", err)
		}
	}
	if s.ResultPath != "" {
		if err := engine.CheckPath(s.ResultPath); err != nil {
			c.Errorf("result_path", "%v", err)
		}
	}
}

func checkTopic(name string, c *engine.CheckContext) {
	if name == "" || strings.HasPrefix(name, "arn:") || topicOf(c.Index, c.Stack, name) != nil {
		return
	}
	var topics []string
	for n, it := range c.Index.Resources {
		if it.Type == TopicType {
			topics = append(topics, n, engine.NameOf(c.Stack, it))
		}
	}
	if s := diag.Suggest(name, topics); s != "" {
		c.Errorf("config.topic_name", "topic %q is not a topic of this config", name).Hint = fmt.Sprintf("did you mean %q?", s)
		return
	}
	c.Warnf("config.topic_name", "topic %q is not defined in aws_resources; it must already exist in the account", name)
}

// Plan publishes with the SNS service integration.
func (Publish) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*PublishSpec)
	arn := s.Config.TopicName
	switch it := topicOf(p.Index, p.Stack, arn); {
	case it != nil:
		arn = p.ResourceRef(it.Name, "arn")
	case !strings.HasPrefix(arn, "arn:"):
		arn = engine.ARN("sns", arn)
	}
	params := map[string]any{"TopicArn": arn}
	switch m := s.Config.Message.(type) {
	case string:
		if engine.IsRuntimePath(m) || strings.HasPrefix(m, "States.") {
			params["Message.$"] = m
		} else {
			params["Message"] = m
		}
	default:
		// A mapping is sent as its JSON text, which is what subscribers get.
		b, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		params["Message"] = string(b)
	}
	if s.Config.Subject != "" {
		params["Subject"] = s.Config.Subject
	}
	p.Allow([]string{"sns:Publish"}, arn)
	st := &asl.State{Type: asl.Task, Resource: "arn:aws:states:::sns:publish", Parameters: params,
		Comment: engine.FirstNonEmpty(s.Description, s.Comment), ResultPath: asl.Discard()}
	if s.ResultPath != "" {
		st.ResultPath = asl.Path(s.ResultPath)
	}
	return asl.Single(p.StateName(), st), nil
}

// Footprint: the topic and its access policy.
func (Topic) Footprint(any, *config.Stack) int { return 2 }

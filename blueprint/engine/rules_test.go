package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckSchedule(t *testing.T) {
	tests := []struct{ expr, err string }{
		{"cron(0 22 * * ? *)", ""},
		{"cron(0/15 8-18 ? * MON-FRI *)", ""},
		{"cron(0 12 L * ? 2026)", ""},
		{"cron(0 9 ? * 6#3 *)", ""},
		{"cron(0 9 15W * ? *)", ""},
		{"rate(5 minutes)", ""},
		{"rate(1 hour)", ""},
		{"cron(0 22 * * *)", "cron(0 22 * * *) has 5 fields; EventBridge needs 6: minutes hours day-of-month month day-of-week year, e.g. cron(0 22 * * ? *)"},
		{"cron(0 22 * * * *)", `cron(0 22 * * * *): exactly one of day-of-month and day-of-week must be "?"`},
		{"cron(61 22 * * ? *)", `cron(61 22 * * ? *): minutes field "61": 61 is out of range 0-59`},
		{"cron(0 22 * FOO ? *)", `cron(0 22 * FOO ? *): month field "FOO": "FOO" is not a number from 1 to 12 nor one of JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC`},
		{"cron(0/0 * * * ? *)", `cron(0/0 * * * ? *): minutes field "0/0": step "0" must be a positive number`},
		{"rate(1 hours)", "rate(1 hours): with a value of 1 the unit must be minute, hour or day"},
		{"rate(0 minutes)", `rate(0 minutes): "0" must be a positive whole number`},
		{"every day", `schedule "every day" must be cron(minutes hours day-of-month month day-of-week year) or rate(value unit), e.g. "cron(0 22 * * ? *)"`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			err := CheckSchedule(tt.expr)
			if tt.err == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.err)
		})
	}
}

func TestCheckPath(t *testing.T) {
	tests := []struct{ path, err string }{
		{"$", ""}, {"$.a", ""}, {"$.a.b_c-d", ""}, {"$['a b']", ""}, {"$.list[0]", ""}, {"$.list[*]", ""},
		{"$[1:]", ""}, {"$[0,-1]", ""}, {"$$.Execution.Id", ""}, {"$$", ""}, {"$.a[2:5].b", ""},
		{"a.b", `path "a.b" must start with "$" (the state input) or "$$" (the context object)`},
		{"$.", `path "$.": a field name must follow "."`},
		{"$..a", `path "$..a": deep scan ".." is not allowed in Step Functions paths`},
		{"$.a[x]", `path "$.a[x]": "[x]" is not a valid selector; use [n], [*], [a:b], [n,m] or ['name']`},
		{"$a", `path "$a": unexpected "a"; fields are joined with "."`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			err := CheckPath(tt.path)
			if tt.err == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.err)
		})
	}
}

func TestParsePayload(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want any
		err  string
	}{
		{"a python dict literal", "{'secret': 'somesecret', 'n': 3, 'ok': True, 'none': None, 'l': [1, 'a']}",
			map[string]any{"secret": "somesecret", "n": int64(3), "ok": true, "none": nil, "l": []any{int64(1), "a"}}, ""},
		{"a JSON object", `{"bucket": "b", "f": 1.5}`, map[string]any{"bucket": "b", "f": 1.5}, ""},
		{"a yaml mapping", map[string]any{"a": 1}, map[string]any{"a": 1}, ""},
		{"escaped quotes", `{'a': 'it\'s'}`, map[string]any{"a": "it's"}, ""},
		{"not a dict", "[1, 2]", nil, `payload "[1, 2]" must be a dict, e.g. "{'key': 'value'}"`},
		{"broken literal", "{'a': }", nil, `payload "{'a': }" is neither JSON nor a Python dict literal: at character 7: unexpected "}"`},
		{"unterminated", "{'a': 'b}", nil, `payload "{'a': 'b}" is neither JSON nor a Python dict literal: at character 10: unterminated string`},
		{"trailing text", "{'a': 1} x", nil, `payload "{'a': 1} x" is neither JSON nor a Python dict literal: at character 10: unexpected "x" after the value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePayload(tt.in)
			if tt.err != "" {
				assert.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRefsRoundTripThroughPlaceholders(t *testing.T) {
	r := Ref{Kind: "lambda_function", Name: "My fn}:x", Attr: "arn"}
	s := "a" + r.String() + "b" + Region.String()
	assert.Equal(t, []Ref{r, Region}, Refs(s))
	assert.Equal(t, "aXbeu-west-1", ReplaceRefs(s, func(x Ref) string {
		if x == r {
			return "X"
		}
		return Readable(x)
	}))
}

func TestPolicyMergesStatementsDeterministically(t *testing.T) {
	var p Policy
	p.Allow([]string{"sns:Publish"}, "arn:b")
	p.Allow([]string{"glue:StartJobRun", "glue:GetJobRun"}, "arn:a")
	p.Allow([]string{"sns:Publish"}, "arn:b")
	p.Allow([]string{"glue:BatchStopJobRun"}, "arn:a")
	assert.Equal(t, []Statement{
		{Actions: []string{"glue:BatchStopJobRun", "glue:GetJobRun", "glue:StartJobRun"}, Resources: []string{"arn:a"}},
		{Actions: []string{"sns:Publish"}, Resources: []string{"arn:b"}},
	}, p.Normalized())
}

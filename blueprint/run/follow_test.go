package run

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func ev(id int64, ms int, typ string, f func(*sfntypes.HistoryEvent)) sfntypes.HistoryEvent {
	e := sfntypes.HistoryEvent{Id: id, Type: sfntypes.HistoryEventType(typ), Timestamp: aws.Time(t0.Add(time.Duration(ms) * time.Millisecond))}
	if f != nil {
		f(&e)
	}
	return e
}

func entered(name string) func(*sfntypes.HistoryEvent) {
	return func(e *sfntypes.HistoryEvent) {
		e.StateEnteredEventDetails = &sfntypes.StateEnteredEventDetails{Name: aws.String(name)}
	}
}

func exited(name string) func(*sfntypes.HistoryEvent) {
	return func(e *sfntypes.HistoryEvent) {
		e.StateExitedEventDetails = &sfntypes.StateExitedEventDetails{Name: aws.String(name)}
	}
}

// failing is a retried task that fails for good: the execution fails in it.
var failing = []sfntypes.HistoryEvent{
	ev(1, 0, "ExecutionStarted", nil),
	ev(2, 100, "TaskStateEntered", entered("Train")),
	ev(3, 1300, "TaskFailed", func(e *sfntypes.HistoryEvent) {
		e.TaskFailedEventDetails = &sfntypes.TaskFailedEventDetails{Error: aws.String("SageMaker.AmazonSageMakerException"), Cause: aws.String("quota\nexceeded")}
	}),
	ev(4, 1400, "ExecutionFailed", func(e *sfntypes.HistoryEvent) {
		e.ExecutionFailedEventDetails = &sfntypes.ExecutionFailedEventDetails{Error: aws.String("SageMaker.AmazonSageMakerException"), Cause: aws.String("quota exceeded")}
	}),
}

func TestProgressPrintsALinePerStateAndTheFailure(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false)
	assert.Nil(t, p.Add(failing[:2]), "still running")
	out := p.Add(failing) // the whole history again: seen events are skipped
	require.NotNil(t, out)
	assert.Equal(t, "    0.1s  enter  Train\n    1.3s  Task failed in Train: SageMaker.AmazonSageMakerException: quota exceeded\n", b.String())
	assert.Equal(t, "FAILED", out.Status)
	assert.Equal(t, "Train", out.State)
	assert.Equal(t, "FAILED after 1.4s in state Train: SageMaker.AmazonSageMakerException: quota exceeded", Summary(out, "arn"))
}

func TestProgressEndsWithTheOutput(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false)
	out := p.Add([]sfntypes.HistoryEvent{
		ev(1, 0, "ExecutionStarted", nil),
		ev(2, 0, "PassStateEntered", entered("A")),
		ev(3, 2500, "PassStateExited", exited("A")),
		ev(4, 2500, "ExecutionSucceeded", func(e *sfntypes.HistoryEvent) {
			e.ExecutionSucceededEventDetails = &sfntypes.ExecutionSucceededEventDetails{Output: aws.String(`{"ok":true}`)}
		}),
	})
	require.NotNil(t, out)
	assert.True(t, out.Succeeded())
	assert.Equal(t, `{"ok":true}`, out.Output)
	assert.Equal(t, "    0.0s  enter  A\n    2.5s  exit   A (2.5s)\n", b.String())
	assert.Equal(t, "SUCCEEDED in 2.5s", Summary(out, "arn"))
	assert.Equal(t, "still RUNNING: blueprint run --execution arn --wait follows it", Summary(&Outcome{Status: "RUNNING"}, "arn"))
}

func TestTheLiveViewRedrawsItsTableInPlace(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, true)
	p.Add(failing[:2])
	first := b.String()
	assert.Contains(t, first, "  … Train")
	assert.NotContains(t, first, "\x1b[", "nothing to redraw yet")
	b.Reset()
	p.Add(failing)
	assert.True(t, strings.HasPrefix(b.String(), "\x1b[1A\x1b[J"), "%q", b.String())
	assert.Contains(t, b.String(), "  ✗ Train")
	assert.NotContains(t, b.String(), "enter", "no plain lines on a terminal")
}

func TestHistoryJSONReadsAsTheAPIWritesIt(t *testing.T) {
	b, err := HistoryJSON(failing[:3])
	require.NoError(t, err)
	s := string(b)
	for _, want := range []string{`"type": "TaskStateEntered"`, `"stateEnteredEventDetails": {`, `"name": "Train"`, `"previousEventId": 0`,
		`"taskFailedEventDetails": {`, `"timestamp": "2026-01-02T03:04:05.1Z"`} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, "null")
	assert.NotContains(t, s, `"Type"`)
}

func TestRegionOfReadsARNs(t *testing.T) {
	assert.Equal(t, "eu-west-1", RegionOf("arn:aws:states:eu-west-1:123456789012:execution:m:run-1"))
	assert.Equal(t, "", RegionOf("run-1"))
}

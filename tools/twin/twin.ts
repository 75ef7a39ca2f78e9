// The TypeScript twin of a pipeline blueprint generates (internal/bigpipe):
// the same resources, written the way a hand-written CDK app would, for
// the side-by-side synth benchmark (go run ./internal/twinbench).
//
//   node dist/twin.js SHAPE.json OUTDIR
//
// SHAPE.json names the groups and jobs and where blueprint put them (the
// nested stack of each job, the child state machines), so both apps
// build the same stacks.
import * as fs from "fs";
import * as path from "path";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import * as ssm from "aws-cdk-lib/aws-ssm";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Construct } from "constructs";

interface Group {
  name: string;
  lambdas: string[];
  publishes: { name: string; message: string }[];
}

interface Shape {
  stack: string;
  machine: string;
  stage: string;
  repo: string;
  timeout: number;
  topic?: string;
  groups: Group[];
  // job → nested stack id ("Jobs07"); absent when the stack is not split
  buckets?: Record<string, string>;
  // child state machines: their nested stack id and groups
  parts?: { id: string; name: string; groups: string[] }[];
}

const [shapeFile, outdir] = process.argv.slice(2);
const shape: Shape = JSON.parse(fs.readFileSync(shapeFile, "utf8"));

const app = new cdk.App({
  outdir,
  analyticsReporting: false,
  stackTraces: false,
  // as blueprint: its own checks replace CDK's
  builtinCloudFormationValidation: false,
  context: { "aws:cdk:bundling-stacks": [] },
});
const stack = new cdk.Stack(app, shape.stack, { stackName: shape.stack, description: `pipeline ${shape.stack} (twin)` });

let topic: sns.Topic | undefined;
if (shape.topic) {
  topic = new sns.Topic(stack, "Topic" + shape.topic, { topicName: `${shape.topic}-${shape.machine}-${shape.stage}`, enforceSSL: true });
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: "AccountPublishSubscribe",
    principals: [new iam.AccountRootPrincipal()],
    actions: ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"],
    resources: [topic.topicArn],
  }));
}

const nested = new Map<string, cdk.NestedStack>();
function scopeOf(job: string): Construct {
  const id = shape.buckets?.[job];
  if (!id) return stack;
  let s = nested.get(id);
  if (!s) {
    s = new cdk.NestedStack(stack, id);
    nested.set(id, s);
  }
  return s;
}

const functions = new Map<string, lambda.Function>();
const code = path.join(shape.repo, "customcode", "fn");
for (const g of shape.groups) {
  for (const job of g.lambdas) {
    const scope = scopeOf(job);
    const logGroup = new logs.LogGroup(scope, "FunctionLogs" + job, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });
    functions.set(job, new lambda.Function(scope, "Function" + job, {
      code: lambda.Code.fromAsset(code),
      handler: "handler.handler",
      runtime: lambda.Runtime.PYTHON_3_12,
      timeout: cdk.Duration.seconds(60),
      memorySize: 128,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      description: `${job} of pipeline ${shape.machine}`,
    }));
  }
}

// chain builds the groups as Parallel states in scope, in sequence.
function chain(scope: Construct, groups: Group[]): sfn.IChainable {
  let first: sfn.Chain | undefined;
  for (const g of groups) {
    const par = new sfn.Parallel(scope, g.name, { resultPath: sfn.JsonPath.DISCARD });
    for (const job of g.lambdas) {
      par.branch(new tasks.LambdaInvoke(scope, job, {
        lambdaFunction: functions.get(job)!,
        payload: sfn.TaskInput.fromJsonPathAt("$"),
        resultPath: sfn.JsonPath.DISCARD,
      }));
    }
    for (const p of g.publishes) {
      par.branch(new tasks.SnsPublish(scope, p.name, {
        topic: topic!,
        message: sfn.TaskInput.fromText(p.message),
        resultPath: sfn.JsonPath.DISCARD,
      }));
    }
    first = first ? first.next(par) : sfn.Chain.start(par);
  }
  return first!;
}

function machine(scope: Construct, name: string, definition: sfn.IChainable): sfn.StateMachine {
  const logGroup = new logs.LogGroup(scope, "StateMachineLogs", {
    logGroupName: "/aws/vendedlogs/states/" + name,
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  return new sfn.StateMachine(scope, "StateMachine", {
    stateMachineName: name,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    tracingEnabled: true,
    timeout: cdk.Duration.seconds(shape.timeout),
  });
}

let root: sfn.IChainable;
if (shape.parts?.length) {
  const byName = new Map(shape.groups.map((g) => [g.name, g]));
  let runs: sfn.Chain | undefined;
  for (const p of shape.parts) {
    const scope = new cdk.NestedStack(stack, p.id);
    const child = machine(scope, `${shape.machine}-${p.name}`, chain(scope, p.groups.map((n) => byName.get(n)!)));
    const run = new tasks.StepFunctionsStartExecution(stack, "Run " + p.name, {
      stateMachine: child,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      input: sfn.TaskInput.fromJsonPathAt("$"),
      outputPath: "$.Output",
    });
    runs = runs ? runs.next(run) : sfn.Chain.start(run);
  }
  root = runs!;
} else {
  root = chain(stack, shape.groups);
}
const sm = machine(stack, shape.machine, root);
new ssm.StringParameter(stack, "StateMachineArnParameter", {
  parameterName: `/dataall/${shape.machine}/${shape.stage}/step_function_arn`,
  stringValue: sm.stateMachineArn,
  description: `ARN of the ${shape.machine} state machine`,
});
new cdk.CfnOutput(stack, "StateMachineArn", { value: sm.stateMachineArn });

app.synth();

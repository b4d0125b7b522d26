"""The execution model of CodePipeline, for pipec's tests: what happens to executions over time.

moto 5.2.1 stores pipelines but does not run them (it answers the execution API with HTTP 500).
This module is the emulator's engine; codepipeline_executions.py puts it behind moto's JSON 1.1
endpoint and a small control endpoint. Behaviour, and where it comes from:

- Stages run one after another; inside a stage, actions run by runOrder: all actions with the
  lowest runOrder start together, the next group starts when the whole group succeeded. A failed
  action fails the stage once its runOrder group finished, and the execution fails with it.
  (User guide, "Pipeline structure reference" / "How pipeline executions work".)
- A running execution locks its stage; the next execution waits at the stage boundary.
  SUPERSEDED (the default): "A more recent execution can overtake an older one": an execution
  still waiting at a boundary is superseded when a newer one arrives there. QUEUED: "Executions
  are processed one by one in the order that they are queued": waiting executions enter in
  order. PARALLEL: "executions run simultaneously and independently of one another"; no locks,
  no stage rollback. (User guide, execution-modes.html and concepts-how-it-works.html.)
- Stop and wait: in-progress actions finish, the execution is Stopping, then Stopped. Stop and
  abandon: in-progress actions become Abandoned, the execution Stopped. Actions of a stopped
  stage can be retried. (User guide, pipelines-stop.html.)
- Retry: only a Failed or Stopped stage, and only for the latest execution through that stage
  (API model: StageNotRetryableException, NotLatestPipelineExecutionException); FAILED_ACTIONS
  re-runs the actions that did not succeed, ALL_ACTIONS every action of the stage.
- Manual approvals wait for PutApprovalResult with their current token, or fail after the
  action's timeoutInMinutes, else 7 days (user guide, approvals-approve-or-reject.html and
  limits.html). In PARALLEL mode GetPipelineState carries no token; the action execution's
  externalExecutionId is the token (API reference, PutApprovalResult).
- Other actions fail after their timeout (limits.html: CodeBuild 8 hours, CloudFormation 3
  days, CodeDeploy 5 days, Lambda 24 hours, S3 deploy 90 minutes, others 1 hour) when a test
  makes them run longer than that.
- Disabled inbound transitions hold executions at the boundary; enabling lets them in
  (user guide, transitions.html). An Outbound transition of a stage is the next stage's inbound.
- RollbackStage starts a new execution of type ROLLBACK (trigger ManualRollback) that runs only
  that stage with the target execution's source revisions; the target must have succeeded in
  the stage in the current pipeline version (user guide, stage-rollback-manual.html; API model:
  PipelineExecutionOutdatedException, UnableToRollbackStageException).
- An UpdatePipeline cancels executions of the older version at their next boundary (API model:
  "Cancelled: The pipeline's definition was updated before the pipeline execution could be
  completed").

Assumptions where the documentation is silent (so tests can rely on them): action durations
(10 s unless a test sets another), the texts of errorDetails for a rejected or expired approval
and for a timeout, and ids, which are derived from counters so that outputs are deterministic.
Time is a virtual clock (see Clock) that tests can freeze and advance.
"""
import threading
import uuid

from codepipeline_clock import CLOCK, CONTROLS  # noqa: F401  (the others import them from here)

LOCK = threading.RLock()
NAMESPACE = uuid.UUID("6c1f3b7e-2f4f-4d0a-9d3e-5c0c5a0e9a11")
ACTIVE = ("InProgress", "Stopping")
APPROVAL_TIMEOUT = 7 * 24 * 3600.0
# limits.html, "Length of time before an action times out".
TIMEOUTS = {"CodeBuild": 8 * 3600.0, "CloudFormation": 3 * 86400.0, "CodeDeploy": 5 * 86400.0, "CodeDeployToECS": 5 * 86400.0,
            "Lambda": 86400.0, "S3": 90 * 60.0, "StepFunctions": 7 * 86400.0}


class ApiError(Exception):
    """An error the API model defines for the operation: its shape name and a message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class ActionRun:
    def __init__(self, execution, stage, decl, run_id, now):
        self.execution = execution
        self.stage = stage
        self.decl = decl
        self.id = run_id
        self.start = now
        self.updated = now
        self.status = "InProgress"
        self.summary = None
        self.error = None
        self.token = None
        self.end = None  # when it completes on its own (None: waits, e.g. an approval)
        self.expires = None
        self.outcome = ("Succeeded", None)
        self.updated_by = None
        self.external_id = None
        self.external_url = None


class Execution:
    def __init__(self, pipeline, ex_id, seq, now, trigger, mode, ex_type="STANDARD"):
        self.pipeline = pipeline
        self.id = ex_id
        self.seq = seq
        self.version = pipeline.version
        self.status = "InProgress"
        self.status_summary = None
        self.start = now
        self.updated = now
        self.trigger = trigger
        self.mode = mode
        self.type = ex_type
        self.variables = []
        self.source_revisions = []
        self.stage_index = 0
        self.in_stage = False  # False: waiting at the boundary of stage_index
        self.only_stage = None  # a rollback runs this stage only
        self.rollback_target = None
        self.stop_reason = None
        self.stage_status = {}
        self.attempt = {}  # stage -> {action name: its effective run}
        self.runs = []


class PipelineRuntime:
    """Executions, transitions and action history of one pipeline."""

    def __init__(self, engine, name):
        self.engine = engine
        self.name = name
        self.executions = []
        self.transitions = {}  # stage -> {enabled, reason, by, at}
        self.stage_latest = {}  # stage -> Execution
        self.action_latest = {}  # (stage, action) -> ActionRun
        self.client_tokens = {}
        self.t = None

    @property
    def declaration(self):
        return self.engine.declaration(self.name)

    @property
    def version(self):
        return self.declaration.get("version", 1)

    @property
    def stages(self):
        return self.declaration.get("stages", [])

    @property
    def mode(self):
        return self.declaration.get("executionMode") or "SUPERSEDED"

    def stage_names(self):
        return [s["name"] for s in self.stages]

    def stage(self, name):
        for s in self.stages:
            if s["name"] == name:
                return s
        return None

    # --- time -------------------------------------------------------------------------------
    def tick(self, now):
        """Brings every execution forward to `now`, event by event, so timestamps are exact."""
        if self.t is None:
            self.t = now
        self.settle(self.t)
        while True:
            due = [r for r in self.running() if self.due_at(r) is not None and self.due_at(r) <= now]
            if not due:
                break
            at = min(self.due_at(r) for r in due)
            for r in due:
                if self.due_at(r) == at:
                    self.finish_due(r, at)
            self.settle(at)
        self.t = max(self.t, now)
        self.settle(self.t)

    @staticmethod
    def due_at(run):
        if run.end is not None:
            return run.end
        return run.expires

    def finish_due(self, run, at):
        if run.end is not None and run.end <= at:
            status, error = run.outcome
        else:
            status, error = "Failed", {"code": "TimeoutError", "message": "The action timed out: it did not complete within its time limit"}
            if run.decl["actionTypeId"]["category"] == "Approval":
                error = {"code": "TimeoutError", "message": "The approval request expired: no response within the action's timeout"}
        self.complete(run, status, at, error=error)

    def running(self):
        return [r for ex in self.executions for r in ex.runs if r.status == "InProgress"]

    def complete(self, run, status, at, error=None, summary=None, by=None):
        run.status = status
        run.updated = at
        run.end = at
        run.expires = None
        run.error = error
        if summary is not None:
            run.summary = summary
        if by is not None:
            run.updated_by = by
        run.execution.updated = at

    # --- scheduling -------------------------------------------------------------------------
    def settle(self, t):
        changed = True
        while changed:
            changed = False
            for ex in sorted(self.executions, key=lambda e: e.seq):
                if ex.status in ACTIVE and self.step(ex, t):
                    changed = True

    def step(self, ex, t):
        stages = self.stages
        if ex.status == "Stopping":
            if not any(r.status == "InProgress" for r in ex.runs):
                self.end_execution(ex, "Stopped", t, stage_status="Stopped" if ex.in_stage else None)
                return True
            return False
        if not ex.in_stage:
            if ex.version != self.version:
                self.end_execution(ex, "Cancelled", t, summary="The pipeline's definition was updated before the execution completed")
                return True
            if ex.stage_index >= len(stages):
                self.end_execution(ex, "Succeeded", t)
                return True
            name = stages[ex.stage_index]["name"]
            if not self.may_enter(ex, name):
                return False
            ex.in_stage = True
            ex.stage_status[name] = "InProgress"
            ex.attempt[name] = {}
            self.stage_latest[name] = ex
            ex.updated = t
            return True
        name = stages[ex.stage_index]["name"]
        actions = self.stage(name)["actions"]
        attempt = ex.attempt.setdefault(name, {})
        if any(r.status == "InProgress" for r in attempt.values()):
            return False
        failed = [r for r in attempt.values() if r.status in ("Failed", "Abandoned")]
        if failed:
            first = sorted(failed, key=lambda r: (r.decl.get("runOrder", 1), r.decl["name"]))[0]
            ex.stage_status[name] = "Failed"
            message = (first.error or {}).get("message", "failed")
            self.end_execution(ex, "Failed", t, summary=f"Action {first.decl['name']} in stage {name} failed: {message}")
            return True
        pending = [a for a in actions if a["name"] not in attempt]
        if pending:
            order = min(a.get("runOrder", 1) for a in pending)
            for a in sorted(pending, key=lambda a: a["name"]):
                if a.get("runOrder", 1) == order:
                    self.start_action(ex, name, a, t)
            return True
        ex.stage_status[name] = "Succeeded"
        ex.in_stage = False
        ex.updated = t
        if ex.only_stage is not None or ex.stage_index + 1 >= len(stages):
            self.end_execution(ex, "Succeeded", t)
        else:
            ex.stage_index += 1
            self.arrive(ex, t)
        return True

    def may_enter(self, ex, stage_name):
        state = self.transitions.get(stage_name)
        if ex.stage_index > 0 and ex.only_stage is None and state and not state["enabled"]:
            return False
        if self.mode == "PARALLEL":
            return True
        for other in self.executions:
            if other is not ex and other.status in ACTIVE and other.in_stage and self.stages[other.stage_index]["name"] == stage_name:
                return False
        waiting = [o for o in self.executions if o.status == "InProgress" and not o.in_stage and o.stage_index == ex.stage_index]
        # QUEUED: the oldest waiting execution goes first; SUPERSEDED leaves only one waiting.
        return min(waiting, key=lambda o: o.seq) is ex

    def arrive(self, ex, t):
        """An execution reaches a stage boundary; in SUPERSEDED mode it replaces an older one waiting there."""
        if self.mode != "SUPERSEDED":
            return
        for other in self.executions:
            if other is not ex and other.status == "InProgress" and not other.in_stage and other.stage_index == ex.stage_index and other.seq < ex.seq:
                self.end_execution(other, "Superseded", t, summary=f"Superseded by execution {ex.id}")

    def start_action(self, ex, stage_name, decl, t):
        engine = self.engine
        run = ActionRun(ex, stage_name, decl, engine.next_id(f"{self.name}/action"), t)
        type_id = decl["actionTypeId"]
        key = (self.name, stage_name, decl["name"])
        injected = CONTROLS.take_injection(*key)
        duration = CONTROLS.durations.get(key, CONTROLS.default_duration)
        if injected and injected.get("durationSeconds") is not None:
            duration = float(injected["durationSeconds"])
        timeout = TIMEOUTS.get(type_id.get("provider"), 3600.0)
        if type_id["category"] == "Approval":
            minutes = decl.get("timeoutInMinutes")
            run.expires = t + (float(minutes) * 60 if minutes else APPROVAL_TIMEOUT)
            run.token = engine.next_id(f"{self.name}/token")
            run.external_id = run.token
            if injected:
                run.end = t + duration
                run.outcome = ("Failed", {"code": injected.get("errorCode", "JobFailed"), "message": injected.get("message", "failed")})
        else:
            if duration >= timeout:
                run.expires = t + timeout
            else:
                run.end = t + duration
            if injected:
                run.outcome = ("Failed", {"code": injected.get("errorCode", "JobFailed"), "message": injected.get("message", "failed")})
            run.external_id = f"{type_id.get('provider', 'action').lower()}-{run.id[:8]}"
            if injected and injected.get("externalExecutionUrl"):
                run.external_url = injected["externalExecutionUrl"]
            if type_id["category"] == "Source":
                rev = next((r for r in ex.source_revisions if r["actionName"] == decl["name"]), None)
                run.summary = rev.get("revisionSummary") if rev else None
                run.external_id = rev["revisionId"] if rev else run.external_id
        ex.attempt[stage_name][decl["name"]] = run
        ex.runs.append(run)
        ex.updated = t
        self.action_latest[(stage_name, decl["name"])] = run

    def end_execution(self, ex, status, t, summary=None, stage_status=None):
        ex.status = status
        ex.updated = t
        if summary is not None:
            ex.status_summary = summary
        if ex.in_stage:
            name = self.stages[ex.stage_index]["name"] if ex.stage_index < len(self.stages) else None
            if name and stage_status:
                ex.stage_status[name] = stage_status
            ex.in_stage = ex.in_stage and status in ACTIVE

    # --- operations -------------------------------------------------------------------------
    def source_actions(self):
        return [a for a in (self.stages[0]["actions"] if self.stages else []) if a["actionTypeId"]["category"] == "Source"]

    def start(self, t, trigger, variables=(), overrides=(), client_token=None):
        if client_token and client_token in self.client_tokens:
            return self.client_tokens[client_token]
        ex = Execution(self, self.engine.next_id(f"{self.name}/execution"), len(self.executions) + 1, t, trigger, self.mode)
        ex.variables = list(variables)
        by_action = {o["actionName"]: o for o in overrides}
        for a in self.source_actions():
            o = by_action.get(a["name"])
            if o:
                ex.source_revisions.append({"actionName": a["name"], "revisionId": o["revisionValue"], "revisionSummary": f"{o['revisionType']} {o['revisionValue']}"})
            else:
                ex.source_revisions.append({"actionName": a["name"], **self.engine.head(self.name, a["name"])})
        self.executions.append(ex)
        self.arrive(ex, t)
        if client_token:
            self.client_tokens[client_token] = ex
        return ex

    def find(self, ex_id):
        for ex in self.executions:
            if ex.id == ex_id:
                return ex
        return None


class Engine:
    """All pipelines' runtimes of one account and region; pipelines themselves stay in moto."""

    def __init__(self, backend):
        self.backend = backend
        self.runtimes = {}
        self.counters = {}

    def declaration(self, name):
        p = self.backend.pipelines.get(name)
        return p.pipeline if p else {}

    def runtime(self, name):
        if name not in self.runtimes:
            self.runtimes[name] = PipelineRuntime(self, name)
        rt = self.runtimes[name]
        rt.tick(CLOCK.now())
        return rt

    def next_id(self, kind):
        n = self.counters.get(kind, 0) + 1
        self.counters[kind] = n
        return str(uuid.uuid5(NAMESPACE, f"{self.backend.account_id}/{self.backend.region_name}/{kind}/{n}"))

    def head(self, pipeline, action):
        set_head = CONTROLS.heads.get((pipeline, action))
        if set_head:
            return dict(set_head)
        digest = uuid.uuid5(NAMESPACE, f"{pipeline}/{action}/head").hex
        return {"revisionId": (digest + digest)[:40], "revisionSummary": "Initial commit"}

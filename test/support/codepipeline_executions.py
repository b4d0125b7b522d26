"""CodePipeline's execution API on moto's server, for pipec's tests (see codepipeline_engine.py).

Adds to moto's CodePipelineResponse the operations moto lacks (StartPipelineExecution,
GetPipelineState, ListPipelineExecutions, GetPipelineExecution, ListActionExecutions,
StopPipelineExecution, RetryStageExecution, RollbackStage, Disable/EnableStageTransition,
PutApprovalResult), with the shapes and errors of botocore's CodePipeline model
(data/codepipeline/2015-07-09/service-2.json), and a control endpoint under /_pipec/ for tests
(codepipeline_control.py):

  POST /_pipec/clock   {"mode": "manual"|"real", "now": epoch, "advance": seconds, "scale": n}
  POST /_pipec/inject  {"pipeline", "stage", "action", "errorCode", "message", "times",
                        "durationSeconds", "externalExecutionUrl"}: the action's next run(s) fail
  POST /_pipec/duration {"pipeline", "stage", "action", "seconds"} or {"default": seconds}
  POST /_pipec/head    {"pipeline", "action", "revisionId", "revisionSummary", "start": bool,
                        "triggerType", "account", "region"}: a source change, optionally starting
                        the pipeline as change detection would
  POST /_pipec/reset   forget injections, durations and heads; clock back to real time
  GET  /_pipec/now     {"now": epoch}
"""
import json

from moto.codepipeline.models import codepipeline_backends
from moto.codepipeline.responses import CodePipelineResponse
from moto.core.exceptions import JsonRESTError

import codepipeline_control
from codepipeline_engine import ACTIVE, CLOCK, LOCK, ApiError, Engine

EXECUTION_MODES = ("SUPERSEDED", "QUEUED", "PARALLEL")
REVISION_TYPES = ("COMMIT_ID", "IMAGE_DIGEST", "S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY")


def _ts(t):
    return round(t, 3)


def engine_for(backend):
    eng = getattr(backend, "_pipec_engine", None)
    if eng is None:
        eng = Engine(backend)
        backend._pipec_engine = eng
    return eng


def caller(account):
    return f"arn:aws:sts::{account}:assumed-role/pipec-tests/moto"


class Api:
    """One request: the backend of its account and region, and the caller's identity."""

    def __init__(self, response):
        self.r = response
        self.backend = codepipeline_backends[response.current_account][response.region]
        self.engine = engine_for(self.backend)
        self.now = CLOCK.now()

    def param(self, name, required=True):
        v = self.r._get_param(name)
        if required and (v is None or v == ""):
            raise ApiError("ValidationException", f"1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must not be null")
        return v

    def runtime(self, name):
        if name not in self.backend.pipelines:
            raise ApiError("PipelineNotFoundException", f"Account '{self.backend.account_id}' does not have a pipeline with name '{name}'")
        return self.engine.runtime(name)

    def stage(self, rt, name):
        s = rt.stage(name)
        if s is None:
            raise ApiError("StageNotFoundException", f"Stage {name} not found in pipeline {rt.name}")
        return s

    def execution(self, rt, ex_id):
        ex = rt.find(ex_id)
        if ex is None:
            raise ApiError("PipelineExecutionNotFoundException", f"Pipeline execution {ex_id} not found in pipeline {rt.name}")
        return ex

    # --- shapes -----------------------------------------------------------------------------
    def action_state(self, rt, stage_name, decl):
        out = {"actionName": decl["name"]}
        run = rt.action_latest.get((stage_name, decl["name"]))
        if decl["actionTypeId"]["category"] == "Source" and run is not None:
            rev = next((r for r in run.execution.source_revisions if r["actionName"] == decl["name"]), None)
            if rev:
                out["currentRevision"] = {"revisionId": rev["revisionId"], "revisionChangeId": rev["revisionId"][:12], "created": _ts(run.start)}
        if run is not None:
            latest = {"actionExecutionId": run.id, "status": run.status, "lastStatusChange": _ts(run.updated)}
            if run.summary:
                latest["summary"] = run.summary
            if run.token and run.status == "InProgress" and run.execution.mode != "PARALLEL":
                latest["token"] = run.token
            if run.external_id:
                latest["externalExecutionId"] = run.external_id
            if run.external_url:
                latest["externalExecutionUrl"] = run.external_url
            if run.updated_by:
                latest["lastUpdatedBy"] = run.updated_by
            if run.error:
                latest["errorDetails"] = dict(run.error)
            out["latestExecution"] = latest
        return out

    def stage_state(self, rt, stage):
        name = stage["name"]
        tr = rt.transitions.get(name)
        inbound = {"enabled": True} if not tr else {k: v for k, v in {"enabled": tr["enabled"], "disabledReason": tr.get("reason"), "lastChangedBy": tr["by"], "lastChangedAt": _ts(tr["at"])}.items() if v is not None}
        out = {"stageName": name, "inboundTransitionState": inbound, "actionStates": [self.action_state(rt, name, a) for a in stage["actions"]]}
        ex = rt.stage_latest.get(name)
        if ex is not None:
            out["latestExecution"] = {"pipelineExecutionId": ex.id, "status": ex.stage_status.get(name, "InProgress"), "type": ex.type}
        index = rt.stage_names().index(name)
        waiting = sorted((e for e in rt.executions if e.status == "InProgress" and not e.in_stage and e.stage_index == index), key=lambda e: e.seq)
        if waiting:
            shapes = [{"pipelineExecutionId": e.id, "status": "InProgress", "type": e.type} for e in waiting]
            out["inboundExecution"] = shapes[0]
            out["inboundExecutions"] = shapes
        return out

    def summary(self, ex):
        out = {"pipelineExecutionId": ex.id, "status": ex.status, "startTime": _ts(ex.start), "lastUpdateTime": _ts(ex.updated),
               "sourceRevisions": [dict(r) for r in ex.source_revisions], "trigger": ex.trigger, "executionMode": ex.mode, "executionType": ex.type}
        if ex.status_summary:
            out["statusSummary"] = ex.status_summary
        if ex.stop_reason is not None:
            out["stopTrigger"] = {"reason": ex.stop_reason}
        if ex.rollback_target:
            out["rollbackMetadata"] = {"rollbackTargetPipelineExecutionId": ex.rollback_target}
        return out

    def action_detail(self, rt, run):
        decl = run.decl
        artifacts = lambda names: [{"name": a["name"], "s3location": {"bucket": "pipec-emulator-artifacts", "key": f"{rt.name}/{a['name']}/{run.id[:8]}"}} for a in names]
        result = {}
        if run.external_id:
            result["externalExecutionId"] = run.external_id
        if run.summary:
            result["externalExecutionSummary"] = run.summary
        if run.external_url:
            result["externalExecutionUrl"] = run.external_url
        if run.error:
            result["errorDetails"] = dict(run.error)
        input_ = {"actionTypeId": decl["actionTypeId"], "configuration": decl.get("configuration", {}), "resolvedConfiguration": decl.get("configuration", {}),
                  "inputArtifacts": artifacts(decl.get("inputArtifacts", []))}
        for k in ("roleArn", "region", "namespace"):
            if decl.get(k):
                input_[k] = decl[k]
        out = {"pipelineExecutionId": run.execution.id, "actionExecutionId": run.id, "pipelineVersion": run.execution.version, "stageName": run.stage,
               "actionName": decl["name"], "startTime": _ts(run.start), "lastUpdateTime": _ts(run.updated), "status": run.status, "input": input_,
               "output": {"outputArtifacts": artifacts(decl.get("outputArtifacts", [])) if run.status == "Succeeded" else [], "executionResult": result, "outputVariables": {}}}
        if run.updated_by:
            out["updatedBy"] = run.updated_by
        return out


def paginate(items, max_results, next_token, default=100):
    try:
        start = int(next_token) if next_token else 0
    except ValueError:
        raise ApiError("InvalidNextTokenException", "The next token was specified in an invalid format")
    if start < 0 or start > len(items):
        raise ApiError("InvalidNextTokenException", "The next token was specified in an invalid format")
    size = int(max_results) if max_results else default
    if size < 1 or size > 100:
        raise ApiError("ValidationException", "maxResults must be between 1 and 100")
    page = items[start:start + size]
    token = str(start + size) if start + size < len(items) else None
    return page, token


# --- operations ---------------------------------------------------------------------------------
def start_pipeline_execution(api):
    rt = api.runtime(api.param("name"))
    declared = {v["name"] for v in rt.declaration.get("variables", []) or []}
    variables = api.param("variables", required=False) or []
    for v in variables:
        if v.get("name") not in declared:
            raise ApiError("ValidationException", f"Pipeline variable '{v.get('name')}' is not declared in pipeline {rt.name}")
    overrides = api.param("sourceRevisions", required=False) or []
    sources = {a["name"] for a in rt.source_actions()}
    for o in overrides:
        if o.get("actionName") not in sources:
            raise ApiError("ValidationException", f"Source revision override for '{o.get('actionName')}': no source action of that name in pipeline {rt.name}")
        if o.get("revisionType") not in REVISION_TYPES:
            raise ApiError("ValidationException", f"Invalid revisionType '{o.get('revisionType')}'")
    trigger = {"triggerType": "StartPipelineExecution", "triggerDetail": caller(api.backend.account_id)}
    ex = rt.start(api.now, trigger, [{"name": v["name"], "resolvedValue": v.get("value", "")} for v in variables], overrides, api.param("clientRequestToken", required=False))
    rt.settle(api.now)
    return {"pipelineExecutionId": ex.id}


def get_pipeline_state(api):
    rt = api.runtime(api.param("name"))
    p = api.backend.pipelines[rt.name]
    return {"pipelineName": rt.name, "pipelineVersion": rt.version, "stageStates": [api.stage_state(rt, s) for s in rt.stages],
            "created": _ts(p._created.timestamp()), "updated": _ts(p._updated.timestamp())}


def list_pipeline_executions(api):
    rt = api.runtime(api.param("pipelineName"))
    execs = sorted(rt.executions, key=lambda e: -e.seq)
    flt = api.param("filter", required=False) or {}
    stage = (flt.get("succeededInStage") or {}).get("stageName")
    if stage:
        execs = [e for e in execs if e.stage_status.get(stage) == "Succeeded" and e.version == rt.version]
    page, token = paginate(execs, api.param("maxResults", required=False), api.param("nextToken", required=False))
    out = {"pipelineExecutionSummaries": [api.summary(e) for e in page]}
    if token:
        out["nextToken"] = token
    return out


def get_pipeline_execution(api):
    rt = api.runtime(api.param("pipelineName"))
    ex = api.execution(rt, api.param("pipelineExecutionId"))
    out = {"pipelineName": rt.name, "pipelineVersion": ex.version, "pipelineExecutionId": ex.id, "status": ex.status,
           "artifactRevisions": [{"name": r["actionName"], "revisionId": r["revisionId"], "revisionSummary": r.get("revisionSummary", "")} for r in ex.source_revisions],
           "variables": ex.variables, "trigger": ex.trigger, "executionMode": ex.mode, "executionType": ex.type}
    if ex.status_summary:
        out["statusSummary"] = ex.status_summary
    if ex.rollback_target:
        out["rollbackMetadata"] = {"rollbackTargetPipelineExecutionId": ex.rollback_target}
    return {"pipelineExecution": out}


def list_action_executions(api):
    rt = api.runtime(api.param("pipelineName"))
    flt = api.param("filter", required=False) or {}
    runs = [r for ex in rt.executions for r in ex.runs]
    if flt.get("pipelineExecutionId"):
        runs = api.execution(rt, flt["pipelineExecutionId"]).runs
    runs = sorted(runs, key=lambda r: (-r.start, r.stage, r.decl["name"]))
    page, token = paginate(runs, api.param("maxResults", required=False), api.param("nextToken", required=False))
    out = {"actionExecutionDetails": [api.action_detail(rt, r) for r in page]}
    if token:
        out["nextToken"] = token
    return out


def stop_pipeline_execution(api):
    rt = api.runtime(api.param("pipelineName"))
    ex = api.execution(rt, api.param("pipelineExecutionId"))
    abandon = bool(api.param("abandon", required=False))
    if ex.status not in ACTIVE:
        raise ApiError("PipelineExecutionNotStoppableException", f"Unable to stop pipeline execution {ex.id}: it is {ex.status}, not in progress")
    if ex.status == "Stopping" and not abandon:
        raise ApiError("DuplicatedStopRequestException", f"Pipeline execution {ex.id} is already stopping; you can only stop and abandon it now")
    ex.stop_reason = api.param("reason", required=False) or ""
    name = rt.stages[ex.stage_index]["name"] if ex.in_stage else None
    if abandon:
        for r in ex.runs:
            if r.status == "InProgress":
                rt.complete(r, "Abandoned", api.now)
        if name:
            ex.stage_status[name] = "Stopped"
        rt.end_execution(ex, "Stopped", api.now)
    elif not ex.in_stage:
        rt.end_execution(ex, "Stopped", api.now)
    else:
        ex.status = "Stopping"
        ex.stage_status[name] = "Stopping"
        ex.updated = api.now
    rt.settle(api.now)
    return {"pipelineExecutionId": ex.id}


def retry_stage_execution(api):
    rt = api.runtime(api.param("pipelineName"))
    name = api.param("stageName")
    api.stage(rt, name)
    ex = api.execution(rt, api.param("pipelineExecutionId"))
    mode = api.param("retryMode")
    if mode not in ("FAILED_ACTIONS", "ALL_ACTIONS"):
        raise ApiError("ValidationException", f"Value '{mode}' at 'retryMode' failed to satisfy constraint: Member must satisfy enum value set: [FAILED_ACTIONS, ALL_ACTIONS]")
    if rt.stage_latest.get(name) is not ex:
        raise ApiError("NotLatestPipelineExecutionException", f"Stage {name} has run in a later execution; {ex.id} is out of date")
    if ex.stage_status.get(name) not in ("Failed", "Stopped") or ex.status in ACTIVE:
        raise ApiError("StageNotRetryableException", f"Stage {name} of execution {ex.id} is {ex.stage_status.get(name, 'not started')}; only a failed or stopped stage can be retried")
    if ex.version != rt.version:
        raise ApiError("StageNotRetryableException", f"The pipeline structure changed since execution {ex.id}; the stage cannot be retried")
    attempt = ex.attempt.get(name, {})
    ex.attempt[name] = {} if mode == "ALL_ACTIONS" else {k: r for k, r in attempt.items() if r.status == "Succeeded"}
    ex.status = "InProgress"
    ex.status_summary = None
    ex.stop_reason = None
    ex.stage_index = rt.stage_names().index(name)
    ex.in_stage = True
    ex.stage_status[name] = "InProgress"
    ex.updated = api.now
    rt.settle(api.now)
    return {"pipelineExecutionId": ex.id}


def rollback_stage(api):
    rt = api.runtime(api.param("pipelineName"))
    name = api.param("stageName")
    api.stage(rt, name)
    target = api.execution(rt, api.param("targetPipelineExecutionId"))
    if rt.mode == "PARALLEL":
        raise ApiError("UnableToRollbackStageException", "Stage rollback is not available for pipelines in PARALLEL mode")
    if rt.stage_names().index(name) == 0:
        raise ApiError("UnableToRollbackStageException", f"Stage {name} is the source stage and cannot be rolled back")
    if target.version != rt.version:
        raise ApiError("PipelineExecutionOutdatedException", f"Execution {target.id} ran on pipeline version {target.version}, not the current version {rt.version}")
    if target.stage_status.get(name) != "Succeeded":
        raise ApiError("UnableToRollbackStageException", f"Execution {target.id} did not succeed in stage {name}")
    current = rt.stage_latest.get(name)
    if current is not None and current.status in ACTIVE and current.in_stage and rt.stages[current.stage_index]["name"] == name:
        raise ApiError("UnableToRollbackStageException", f"Stage {name} is running execution {current.id}")
    if current is target:
        raise ApiError("UnableToRollbackStageException", f"Execution {target.id} is already the latest in stage {name}")
    trigger = {"triggerType": "ManualRollback", "triggerDetail": caller(api.backend.account_id)}
    ex = rt.start(api.now, trigger)
    ex.type = "ROLLBACK"
    ex.rollback_target = target.id
    ex.source_revisions = [dict(r) for r in target.source_revisions]
    ex.stage_index = rt.stage_names().index(name)
    ex.only_stage = name
    rt.settle(api.now)
    return {"pipelineExecutionId": ex.id}


def set_transition(api, enabled):
    rt = api.runtime(api.param("pipelineName"))
    name = api.param("stageName")
    api.stage(rt, name)
    kind = api.param("transitionType")
    if kind not in ("Inbound", "Outbound"):
        raise ApiError("ValidationException", f"Value '{kind}' at 'transitionType' failed to satisfy constraint: Member must satisfy enum value set: [Inbound, Outbound]")
    reason = api.param("reason", required=not enabled)
    names = rt.stage_names()
    if kind == "Outbound":
        i = names.index(name)
        if i + 1 >= len(names):
            raise ApiError("ValidationException", f"Stage {name} is the last stage and has no outbound transition")
        name = names[i + 1]
    rt.transitions[name] = {"enabled": enabled, "reason": None if enabled else reason, "by": caller(api.backend.account_id), "at": api.now}
    rt.settle(api.now)
    return {}


def put_approval_result(api):
    rt = api.runtime(api.param("pipelineName"))
    stage = api.stage(rt, api.param("stageName"))
    action_name = api.param("actionName")
    decl = next((a for a in stage["actions"] if a["name"] == action_name), None)
    if decl is None or decl["actionTypeId"]["category"] != "Approval":
        raise ApiError("ActionNotFoundException", f"Approval action {action_name} not found in stage {stage['name']}")
    result = api.param("result")
    status = result.get("status")
    if status not in ("Approved", "Rejected"):
        raise ApiError("ValidationException", f"Value '{status}' at 'result.status' failed to satisfy constraint: Member must satisfy enum value set: [Approved, Rejected]")
    token = api.param("token")
    runs = [r for ex in rt.executions for r in ex.runs if r.stage == stage["name"] and r.decl["name"] == action_name and r.token == token]
    if not runs:
        raise ApiError("InvalidApprovalTokenException", f"The token {token} is not valid for approval action {action_name}")
    run = runs[0]
    if run.status != "InProgress":
        if run.updated_by is not None:
            raise ApiError("ApprovalAlreadyCompletedException", f"Approval action {action_name} has already been {'approved' if run.status == 'Succeeded' else 'rejected'}")
        raise ApiError("InvalidApprovalTokenException", f"The approval request for {action_name} has expired or was abandoned")
    summary = result.get("summary") or None
    who = caller(api.backend.account_id)
    if status == "Approved":
        rt.complete(run, "Succeeded", api.now, summary=summary, by=who)
    else:
        rt.complete(run, "Failed", api.now, error={"code": "JobFailed", "message": f"Rejected: {summary}" if summary else "Rejected"}, summary=summary, by=who)
    rt.settle(api.now)
    return {"approvedAt": _ts(api.now)}


OPERATIONS = {
    "start_pipeline_execution": start_pipeline_execution,
    "get_pipeline_state": get_pipeline_state,
    "list_pipeline_executions": list_pipeline_executions,
    "get_pipeline_execution": get_pipeline_execution,
    "list_action_executions": list_action_executions,
    "stop_pipeline_execution": stop_pipeline_execution,
    "retry_stage_execution": retry_stage_execution,
    "rollback_stage": rollback_stage,
    "disable_stage_transition": lambda api: set_transition(api, False),
    "enable_stage_transition": lambda api: set_transition(api, True),
    "put_approval_result": put_approval_result,
}


def _method(op):
    def handler(self):
        with LOCK:
            try:
                return json.dumps(op(Api(self)))
            except ApiError as e:
                raise JsonRESTError(e.code, e.message)

    return handler


def install():
    """Adds the execution operations to moto's CodePipeline and the control endpoint to its server."""
    for name, op in OPERATIONS.items():
        setattr(CodePipelineResponse, name, _method(op))
    codepipeline_control.install(engine_for)

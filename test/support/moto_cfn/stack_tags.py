"""Stack tags that change: a change set that only retags a stack, and the tags reaching its pipelines.

Behaviour and where it comes from:
- CreateChangeSet / UpdateStack `Tags` (CloudFormation API Reference): "Key-value pairs to
  associate with this stack. CloudFormation also propagates these tags to supported resources in
  the stack." A change set whose template and parameters are the stack's but whose tags differ is
  therefore a change (moto 5.2.1 calls it "didn't contain changes" and FAILs it): the resources
  that take the stack's tags are modified with Scope `Tags` ("Change sets", User Guide:
  ResourceChange.Scope names `Tags` for a change to a resource's tags, which needs no
  replacement).
- Executing it retags those resources: a stack tag that was removed is removed from them, a new or
  changed one is set, and a tag the resource's own `Tags` property sets wins over the stack's
  ("Resource tag", User Guide: a resource's own tags are applied after the stack's).
In this emulator the pipeline (pipeline.py) is the resource that takes the stack's tags; pipec
reads ownership from the pipeline's tags.
"""
from __future__ import annotations

from typing import Any

from moto.cloudformation import models

from .common import api_tags

NO_CHANGES = "didn't contain changes"
TAGGED_TYPES = ("AWS::CodePipeline::Pipeline",)


def _user_tags(tags: dict[str, str] | None) -> dict[str, str]:
    return {k: v for k, v in (tags or {}).items() if not k.startswith("aws:")}


def retags(stack: Any, tags: dict[str, str] | None) -> bool:
    """Whether `tags` (a change set's or UpdateStack's) would change the stack's tags."""
    return bool(tags) and _user_tags(tags) != _user_tags(stack.tags)


def propagate(stack: Any, old: dict[str, str] | None, new: dict[str, str] | None) -> None:
    """Retags the stack's pipelines from the stack's old tags to its new ones; their own Tags win."""
    old_tags, new_tags = _user_tags(old), _user_tags(new)
    if old_tags == new_tags:
        return
    for resource in list(stack.resource_map._parsed_resources.values()):
        if getattr(resource, "cloudformation_type", lambda: "")() not in TAGGED_TYPES or not hasattr(resource, "inherited"):
            continue
        own = {t["key"] for t in api_tags(resource.props.get("Tags"))}
        backend = resource.backend()
        arn = backend.pipelines[resource.physical_id]._arn
        gone = [k for k in old_tags if k not in new_tags and k not in own]
        if gone:
            backend.untag_resource(arn, gone)
        changed = [{"key": k, "value": v} for k, v in sorted(new_tags.items()) if old_tags.get(k) != v and k not in own]
        if changed:
            backend.tag_resource(arn, changed)
        resource.inherited = [t for t in resource.inherited if t["key"].startswith("aws:")] + [{"key": k, "value": v} for k, v in sorted(new_tags.items())]


def tag_changes(change_set: Any, changes: list[Any]) -> list[Any]:
    """Adds a Modify (Scope Tags) for each resource that takes the stack's tags, when the change set retags the stack."""
    stack = change_set.stack
    if not retags(stack, change_set.tags):
        return changes
    by_logical = {c.logical_resource_id: c for c in changes}
    for logical, resource in sorted(stack.resource_map._parsed_resources.items()):
        kind = getattr(resource, "cloudformation_type", lambda: "")()
        if kind not in TAGGED_TYPES:
            continue
        detail = {"Target": {"Attribute": "Tags", "RequiresRecreation": "Never"}, "Evaluation": "Static", "ChangeSource": "DirectModification"}
        existing = by_logical.get(logical)
        if existing is not None:
            if existing.action == "Modify" and "Tags" not in existing.scope:
                existing.scope = [*existing.scope, "Tags"]
                existing.details = [*existing.details, detail]
            continue
        change = models.Change(action="Modify", logical_resource_id=logical, resource_type=kind)
        change.physical_resource_id = str(getattr(resource, "physical_resource_id", "") or "") or None
        change.replacement = "False"
        change.scope = ["Tags"]
        change.details = [detail]
        changes.append(change)
    return changes


def available_if_retagged(backend: Any, change_set_id: str) -> None:
    """A change set moto FAILed for having no changes is a change set after all when it retags the stack."""
    cs = backend.change_sets.get(change_set_id)
    if cs is None or cs.status != "FAILED" or NO_CHANGES not in (cs.status_reason or ""):
        return
    if retags(cs.stack, cs.tags):
        cs.status, cs.execution_status, cs.status_reason = "CREATE_COMPLETE", "AVAILABLE", None

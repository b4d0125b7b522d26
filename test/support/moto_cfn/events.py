"""Resource events and failures, as CloudFormation reports them.

moto records only the stack's own events and lets a resource handler's exception escape as an
HTTP error. CloudFormation instead records an event per resource and operation
(CREATE_IN_PROGRESS, CREATE_COMPLETE, CREATE_FAILED with a ResourceStatusReason, and the same
for UPDATE and DELETE; DELETE_SKIPPED for a retained resource), which DescribeStackEvents returns
newest first ("Monitor stack progress", CloudFormation User Guide). This module wraps moto's
parse_and_create_resource / parse_and_update_resource / ResourceMap._delete_resource to record
them; the stack engine (stacks.py) turns a failure into a rollback.
"""
from __future__ import annotations

import json
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import Event, cloudformation_backends

from .common import ResourceFailure


class ResourceFailed(Exception):
    """A resource failed; the stack operation stops and rolls back."""

    def __init__(self, logical_id: str, reason: str):
        super().__init__(f"{logical_id}: {reason}")
        self.logical_id = logical_id
        self.reason = reason


def stack_of(resources_map: Any) -> Any:
    backend = cloudformation_backends[resources_map._account_id][resources_map._region_name]
    return backend.stacks.get(resources_map.stack_id) or backend.deleted_stacks.get(resources_map.stack_id)


def record(stack: Any, logical_id: str, resource_type: str, status: str, physical_id: str = "", reason: str | None = None, properties: Any = None) -> None:
    """Adds one resource event to the stack (moto's Event, as DescribeStackEvents returns it)."""
    if stack is None:
        return
    event = Event(
        stack_id=stack.stack_id,
        stack_name=stack.name,
        logical_resource_id=logical_id,
        physical_resource_id=physical_id,
        resource_type=resource_type,
        resource_status=status,
        resource_status_reason=reason,
        resource_properties=json.dumps(properties) if properties is not None else None,
    )
    stack.events.append(event)


def reason_of(e: Exception) -> str:
    if isinstance(e, ResourceFailed):
        return e.reason
    message = getattr(e, "message", None) or str(e) or type(e).__name__
    return message if isinstance(e, ResourceFailure) else f"{type(e).__name__}: {message}"


_create = parsing.parse_and_create_resource
_update = parsing.parse_and_update_resource


def create_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
    condition = resource_json.get("Condition")
    if condition and not resources_map.lazy_condition_map[condition]:
        return None
    stack = stack_of(resources_map)
    kind = resource_json["Type"]
    record(stack, logical_id, kind, "CREATE_IN_PROGRESS")
    try:
        resource = _create(logical_id, resource_json, resources_map, account_id, region_name)
    except ResourceFailed:
        raise  # a dependency failed first (created lazily through a Ref)
    except Exception as e:
        record(stack, logical_id, kind, "CREATE_FAILED", reason=reason_of(e))
        raise ResourceFailed(logical_id, reason_of(e)) from e
    physical = getattr(resource, "physical_resource_id", "") if resource is not None else ""
    record(stack, logical_id, kind, "CREATE_COMPLETE", physical_id=str(physical or ""))
    return resource


def update_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
    stack = stack_of(resources_map)
    kind = resource_json["Type"]
    old = resources_map._parsed_resources.get(logical_id)
    physical = str(getattr(old, "physical_resource_id", "") or "")
    record(stack, logical_id, kind, "UPDATE_IN_PROGRESS", physical_id=physical)
    try:
        resource = _update(logical_id, resource_json, resources_map, account_id, region_name)
    except Exception as e:
        record(stack, logical_id, kind, "UPDATE_FAILED", physical_id=physical, reason=reason_of(e))
        raise ResourceFailed(logical_id, reason_of(e)) from e
    if resource is None:  # moto has no update for this type: CloudFormation would replace it
        resource = old
    record(stack, logical_id, kind, "UPDATE_COMPLETE", physical_id=str(getattr(resource, "physical_resource_id", "") or ""))
    return resource


def delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
    stack = stack_of(self)
    logical_id = getattr(parsed_resource, "logical_resource_id", "")
    physical = str(getattr(parsed_resource, "physical_resource_id", "") or "")
    kind = resource_json["Type"]
    record(stack, logical_id, kind, "DELETE_IN_PROGRESS", physical_id=physical)
    try:
        _delete(self, parsed_resource, resource_json)
    except Exception as e:
        record(stack, logical_id, kind, "DELETE_FAILED", physical_id=physical, reason=reason_of(e))
        raise
    record(stack, logical_id, kind, "DELETE_COMPLETE", physical_id=physical)


_delete = parsing.ResourceMap._delete_resource


def install() -> None:
    """Replaces moto's resource functions with the recording ones (ResourceMap looks them up at call time)."""
    parsing.parse_and_create_resource = create_resource
    parsing.parse_and_update_resource = update_resource
    parsing.ResourceMap._delete_resource = delete_resource

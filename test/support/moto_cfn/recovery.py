"""Getting a stack out of a failed state, as CloudFormation does; moto 5.2.1 has neither part.

- ContinueUpdateRollback (API reference, ContinueUpdateRollback; User Guide, "Continue rolling
  back an update"): only for a stack in UPDATE_ROLLBACK_FAILED, which the stack engine
  (stacks.py) leaves when the rollback could not restore a resource. CloudFormation tries to
  restore those resources again; a resource named in ResourcesToSkip (only one "in the
  UPDATE_FAILED state because a rollback failed") is set to UPDATE_COMPLETE and left as it is.
  The stack ends in UPDATE_ROLLBACK_COMPLETE, or UPDATE_ROLLBACK_FAILED again.
- DeleteStack (API reference, DeleteStack; "Stack status codes"): a resource that cannot be
  deleted (an S3 bucket that is not empty, ...) leaves the stack in DELETE_FAILED with that
  resource's DELETE_FAILED event; the call itself succeeds. moto instead drops the stack and
  returns the error. A stack in DELETE_FAILED (or ROLLBACK_FAILED) can be deleted again;
  RetainResources, allowed only for a stack in DELETE_FAILED, keeps the named resources
  (DELETE_SKIPPED). Deleting a stack that does not exist succeeds and does nothing.
Messages of errors this module raises are the emulator's own wording.
"""
from __future__ import annotations

from typing import Any

from moto.cloudformation import models, parsing, responses
from moto.cloudformation.exceptions import ValidationError
from moto.core.responses import ActionResult, EmptyResult

from .events import record
from .stacks import dependencies, end_rollback


def find(backend: Any, name_or_id: str) -> Any:
    return backend.stacks.get(name_or_id) or next((s for s in backend.stacks.values() if s.name == name_or_id), None)


def continue_update_rollback(backend: Any, name_or_id: str, skip: list[str]) -> None:
    stack = find(backend, name_or_id)
    if stack is None:
        raise ValidationError(name_or_id, message=f"Stack [{name_or_id}] does not exist")
    if stack.status != "UPDATE_ROLLBACK_FAILED":
        raise ValidationError(stack.stack_id, message=f"Stack {stack.stack_id} is in {stack.status} state and can not continue the update rollback (only UPDATE_ROLLBACK_FAILED can)")
    pending: dict[str, Any] = getattr(stack, "unrestored", {})
    wrong = sorted(set(skip) - set(pending))
    if wrong:
        raise ValidationError(stack.stack_id, message=f"ResourcesToSkip [{', '.join(wrong)}] are not in the UPDATE_FAILED state because a rollback failed")
    rmap = stack.resource_map
    stack.status = "UPDATE_ROLLBACK_IN_PROGRESS"
    stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason="User Initiated")
    left: dict[str, Any] = {}
    for logical, body in pending.items():
        current = rmap._parsed_resources.get(logical)
        physical = str(getattr(current, "physical_resource_id", "") or "")
        if logical in skip:
            record(stack, logical, body["Type"], "UPDATE_COMPLETE", physical_id=physical, reason="Resource skipped during UpdateRollback")
            continue
        try:
            rmap._parsed_resources[logical] = parsing.parse_and_update_resource(logical, body, rmap, rmap._account_id, rmap._region_name)
        except Exception:
            left[logical] = body  # UPDATE_FAILED recorded by events.py
    end_rollback(stack, left)


def delete_stack(self: Any, name_or_id: str, retain: list[str] | None = None) -> None:
    stack = find(self, name_or_id)
    if stack is None:
        return
    retain = retain or []
    if retain and stack.status != "DELETE_FAILED":
        raise ValidationError(stack.stack_id, message=f"Invalid operation on stack {stack.stack_id}: RetainResources can only be specified when the stack is in the DELETE_FAILED state")
    rmap = stack.resource_map
    stack.status = "DELETE_IN_PROGRESS"
    stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
    failed: list[str] = []
    # dependents first: the reverse of the order the stack engine creates them in
    for logical in reversed(dependencies(stack.template_dict)):
        resource = rmap._parsed_resources.get(logical)
        body = (rmap._resource_json_map or {}).get(logical)
        if not hasattr(resource, "logical_resource_id") or body is None:
            continue
        if body.get("DeletionPolicy") == "Retain" or logical in retain:
            record(stack, logical, body["Type"], "DELETE_SKIPPED", physical_id=str(getattr(resource, "physical_resource_id", "") or ""))
            rmap._parsed_resources.pop(logical, None)
            continue
        try:
            rmap._delete_resource(resource, body)  # DELETE_IN_PROGRESS / _COMPLETE / _FAILED recorded by events.py
            rmap._parsed_resources.pop(logical, None)
        except Exception:
            failed.append(logical)
    if failed:
        stack._add_stack_event("DELETE_FAILED", resource_status_reason=f"The following resource(s) failed to delete: [{', '.join(sorted(failed))}].")
        stack.status = "DELETE_FAILED"
        return
    self.stacks.pop(stack.stack_id, None)
    for export in stack.exports:
        self.exports.pop(export.name, None)
    stack._add_stack_event("DELETE_COMPLETE")
    stack.status = "DELETE_COMPLETE"
    self.deleted_stacks[stack.stack_id] = stack


def _continue_update_rollback_response(self: Any) -> ActionResult:
    skip = self._get_param("ResourcesToSkip", [])
    continue_update_rollback(self.cloudformation_backend, self._get_param("StackName"), skip)
    return EmptyResult()


def _delete_stack_response(self: Any) -> ActionResult:
    self.cloudformation_backend.delete_stack(self._get_param("StackName"), self._get_param("RetainResources", []))
    return EmptyResult()


def install() -> None:
    """Puts DeleteStack with failures in place of moto's and adds ContinueUpdateRollback."""
    models.CloudFormationBackend.delete_stack = delete_stack
    responses.CloudFormationResponse.continue_update_rollback = _continue_update_rollback_response
    responses.CloudFormationResponse.delete_stack = _delete_stack_response

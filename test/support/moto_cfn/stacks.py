"""Stack operations as CloudFormation performs them, on top of moto's stacks and change sets.

What moto 5.2.1 does differently, and what this module does instead (source: CloudFormation
User Guide, "Update your stack with change sets", "Stack status codes", "Choose how to handle
failures when provisioning resources"; API reference: CreateChangeSet, ExecuteChangeSet,
DescribeChangeSet):
- Unknown resource types: moto skips them with a warning; CloudFormation refuses the template
  ("Template format error: Unrecognized resource types: [...]").
- A resource that fails: moto returns an HTTP error from CreateStack/ExecuteChangeSet;
  CloudFormation accepts the call, records the resource's CREATE_FAILED/UPDATE_FAILED with its
  reason, rolls back (deletes what it created, or restores what it changed), and ends in
  ROLLBACK_COMPLETE / UPDATE_ROLLBACK_COMPLETE. Resources with DeletionPolicy Retain are kept
  (DELETE_SKIPPED).
- A stack in ROLLBACK_COMPLETE cannot be updated, only deleted ("is in ROLLBACK_COMPLETE state
  and can not be updated"); a CREATE change set for a stack that exists (other than
  REVIEW_IN_PROGRESS) fails with AlreadyExistsException.
- Change set changes carry Replacement (True when a create-only property changes, per the
  resource type's registry schema `createOnlyProperties`, read from cfn-lint's copy of the
  schemas), Scope and per-property Details, and the physical id of existing resources.
- Executing a change set deletes the stack's other change sets; an update makes the change sets
  made before it OBSOLETE; a change set that is not AVAILABLE cannot be executed
  ("InvalidChangeSetStatus"). DescribeStacks reports LastUpdatedTime after an update.
- Update order: resources are added and modified in dependency order, and removed (and replaced
  ones deleted) in a cleanup phase after the update succeeded.
"""
from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Any

from moto.cloudformation import models, parsing
from moto.core.utils import utcnow
from moto.cloudformation.exceptions import AlreadyExistsException, CloudFormationError, ValidationError

from . import stack_tags
from .events import ResourceFailed, reason_of, record


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


@lru_cache(maxsize=None)
def create_only(resource_type: str) -> tuple[str, ...]:
    """Top-level create-only properties of a type (registry schema, via cfn-lint)."""
    try:
        from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    except Exception:
        return ()
    return tuple(sorted({p.split("/")[2] for p in schema.get("createOnlyProperties", [])}))


def supported(resource_type: str) -> bool:
    return resource_type in parsing.NULL_MODELS or resource_type.startswith("Custom::") or resource_type in parsing.get_model_map()


def check_types(template: dict[str, Any]) -> None:
    unknown = sorted({r.get("Type", "") for r in (template.get("Resources") or {}).values() if not supported(r.get("Type", ""))})
    if unknown:
        raise ValidationError(message=f"Template format error: Unrecognized resource types: [{', '.join(unknown)}]")


def dependencies(template: dict[str, Any]) -> list[str]:
    """Logical ids in an order where each comes after what it refers to (DependsOn, Ref, GetAtt, Sub)."""
    resources = template.get("Resources") or {}
    deps: dict[str, set[str]] = {}
    for name, body in resources.items():
        found: set[str] = set()
        depends = body.get("DependsOn", [])
        found.update([depends] if isinstance(depends, str) else depends)

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "Ref" and isinstance(v, str):
                        found.add(v)
                    elif k == "Fn::GetAtt":
                        found.add(v[0] if isinstance(v, list) else str(v).split(".")[0])
                    elif k == "Fn::Sub":
                        text = v[0] if isinstance(v, list) else v
                        found.update(m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", str(text)))
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(body.get("Properties", {}))
        deps[name] = {d for d in found if d in resources and d != name}
    order: list[str] = []
    seen: set[str] = set()

    def visit(n: str, path: tuple[str, ...]) -> None:
        if n in seen or n in path:
            return
        for d in sorted(deps[n]):
            visit(d, path + (n,))
        seen.add(n)
        order.append(n)

    for n in resources:
        visit(n, ())
    return order


def created_resources(rmap: Any) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in rmap._parsed_resources.items() if hasattr(v, "logical_resource_id") and k in rmap._resource_json_map]


def delete_quietly(stack: Any, rmap: Any, logical: str, resource: Any, body: dict[str, Any]) -> None:
    if body.get("DeletionPolicy") == "Retain":
        record(stack, logical, body["Type"], "DELETE_SKIPPED", physical_id=str(getattr(resource, "physical_resource_id", "") or ""))
        return
    try:
        rmap._delete_resource(resource, body)
    except Exception:
        pass  # recorded as DELETE_FAILED; rollback goes on with the others


def blank_outputs(stack: Any) -> None:
    """After a failed create nothing is left to describe; moto would otherwise create resources lazily to resolve Outputs."""
    stack.output_map = parsing.OutputMap(stack.resource_map, {}, stack.stack_id)


def create_resources(self: Any) -> None:
    """Stack.create_resources with CloudFormation's failure handling."""
    self.status = "CREATE_IN_PROGRESS"
    rmap = self.resource_map
    rmap._template = self.template_dict
    rmap._resource_json_map = self.template_dict.get("Resources") or {}
    rmap.tags.update({"aws:cloudformation:stack-name": self.name, "aws:cloudformation:stack-id": self.stack_id})
    try:
        for logical in dependencies(self.template_dict):
            rmap[logical]
        self.output_map = self._create_output_map()
        [o for o in self.output_map.values()]  # resolve outputs now, as CloudFormation does at completion
    except Exception as e:
        failed = e.logical_id if isinstance(e, ResourceFailed) else "?"
        self.status = "ROLLBACK_IN_PROGRESS"
        self._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=f"The following resource(s) failed to create: [{failed}]. Rollback requested by user.")
        for logical, resource in reversed(created_resources(rmap)):
            delete_quietly(self, rmap, logical, resource, rmap._resource_json_map[logical])
            rmap._parsed_resources.pop(logical, None)
        blank_outputs(self)
        self._add_stack_event("ROLLBACK_COMPLETE")
        self.status = "ROLLBACK_COMPLETE"
        self.failure = reason_of(e)
        return
    self.description = self.template_dict.get("Description")
    self.mark_creation_complete()


def requires_replacement(kind: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    op, np_ = old.get("Properties", {}) or {}, new.get("Properties", {}) or {}
    return any(op.get(p) != np_.get(p) for p in create_only(kind))


def update_resources(stack: Any, template: dict[str, Any], parameters: dict[str, Any] | None) -> None:
    """Adds and modifies in dependency order, then removes; on a failure restores the previous state."""
    rmap = stack.resource_map
    check_types(template)
    diff = rmap.build_resource_diff(template, parameters)
    old_template, old_params, old_json = rmap._template, rmap.input_parameters, rmap._resource_json_map
    old_parsed = dict(rmap._parsed_resources)
    rmap._template = template
    if parameters:
        rmap.input_parameters = parameters
    rmap.load_mapping()
    rmap.load_parameters()
    rmap.load_conditions()
    rmap._resource_json_map = template["Resources"]
    done: list[tuple[str, str]] = []  # (action, logical) in the order carried out
    unrestored: dict[str, Any] = {}  # resources the rollback could not restore: their previous JSON
    replaced: list[tuple[str, Any]] = []
    try:
        for logical in dependencies(template):
            if logical in diff["Add"]:
                rmap[logical]
                done.append(("Add", logical))
            elif logical in diff["Modify"]:
                kind = template["Resources"][logical]["Type"]
                if requires_replacement(kind, old_json[logical], template["Resources"][logical]):
                    replaced.append((logical, rmap._parsed_resources.pop(logical)))
                    rmap[logical]
                    done.append(("Replace", logical))
                else:
                    rmap._parsed_resources[logical] = parsing.parse_and_update_resource(logical, template["Resources"][logical], rmap, rmap._account_id, rmap._region_name)
                    done.append(("Modify", logical))
    except Exception as e:
        failed = getattr(e, "logical_id", None)
        if failed in diff["Modify"] and failed not in [l for _, l in replaced]:
            done.append(("Modify", failed))  # the rollback restores the resource that failed too
        stack.status = "UPDATE_ROLLBACK_IN_PROGRESS"
        stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=f"The following resource(s) failed to update: [{getattr(e, 'logical_id', '?')}].")
        new_json = rmap._resource_json_map
        rmap._template, rmap.input_parameters, rmap._resource_json_map = old_template, old_params, old_json
        rmap.load_mapping()
        rmap.load_parameters()
        rmap.load_conditions()
        for action, logical in reversed(done):
            current = rmap._parsed_resources.get(logical)
            if action in ("Add", "Replace") and current is not None:
                delete_quietly(stack, rmap, logical, current, new_json[logical])
                rmap._parsed_resources.pop(logical, None)
            if action == "Modify":
                try:
                    rmap._parsed_resources[logical] = parsing.parse_and_update_resource(logical, old_json[logical], rmap, rmap._account_id, rmap._region_name)
                except Exception:
                    # recorded as UPDATE_FAILED (events.py); the rollback goes on with the others and ends
                    # in UPDATE_ROLLBACK_FAILED ("Stack status codes"), for ContinueUpdateRollback (recovery.py)
                    unrestored[logical] = old_json[logical]
        for logical, resource in replaced:
            rmap._parsed_resources[logical] = resource
        for logical in diff["Add"]:
            rmap._parsed_resources.pop(logical, None)
        rmap._parsed_resources.update({k: v for k, v in old_parsed.items() if k in old_json})
        stack.failure = reason_of(e)
        end_rollback(stack, unrestored)
        raise
    stack._add_stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    for logical, resource in replaced:
        delete_quietly(stack, rmap, logical, resource, old_json[logical])
    for logical in diff["Remove"]:
        resource = old_parsed.get(logical)
        if resource is not None:
            delete_quietly(stack, rmap, logical, resource, old_json[logical])
        rmap._parsed_resources.pop(logical, None)


def end_rollback(stack: Any, unrestored: dict[str, Any]) -> None:
    """Ends an update's rollback: UPDATE_ROLLBACK_COMPLETE, or UPDATE_ROLLBACK_FAILED with the resources it could not restore (kept for ContinueUpdateRollback)."""
    stack.unrestored = unrestored
    if unrestored:
        stack._add_stack_event("UPDATE_ROLLBACK_FAILED", resource_status_reason=f"The following resource(s) failed to update: [{', '.join(sorted(unrestored))}].")
        stack.status = "UPDATE_ROLLBACK_FAILED"
        return
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
    stack.status = "UPDATE_ROLLBACK_COMPLETE"


def stack_update(self: Any, template: str, role_arn: str | None = None, parameters: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> None:
    """Stack.update (UpdateStack and UPDATE change sets)."""
    self.status = "UPDATE_IN_PROGRESS"
    self._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")
    new_dict = self.parse_template(template)
    try:
        update_resources(self, new_dict, parameters)
    except Exception:
        return
    self.template = template
    self.template_dict = new_dict
    self.last_updated_time = utcnow()  # DescribeStacks' LastUpdatedTime (moto leaves it out)
    # Change sets made against the old stack can no longer be executed (ExecutionStatus OBSOLETE).
    for cs in models.cloudformation_backends[self.account_id][self.region_name].change_sets.values():
        if cs.stack_id == self.stack_id and cs.execution_status == "AVAILABLE":
            cs.execution_status = "OBSOLETE"
    self.description = new_dict.get("Description")
    self.output_map = self._create_output_map()
    self._add_stack_event("UPDATE_COMPLETE")
    self.status = "UPDATE_COMPLETE"
    self.role_arn = role_arn
    if parameters:
        self.parameters = parameters
    if tags is not None:
        before, self.tags = self.tags, tags
        stack_tags.propagate(self, before, tags)


def change_set_diff(self: Any) -> list[Any]:
    """ChangeSet.diff with Replacement, Scope, Details and physical ids."""
    check_types(self.template_dict)
    rmap = self.stack.resource_map
    old = rmap._resource_json_map or {}
    new = self.template_dict.get("Resources") or {}
    changes = []
    for action, resources in rmap.build_change_set_actions(self.template_dict).items():
        for logical, info in sorted(resources.items()):
            change = models.Change(action=action, logical_resource_id=logical, resource_type=info["ResourceType"])
            existing = rmap._parsed_resources.get(logical) if action != "Add" else None
            change.physical_resource_id = str(getattr(existing, "physical_resource_id", "") or "") or None
            change.replacement = None
            change.scope = []
            change.details = []
            if action == "Modify":
                op, np_ = old[logical].get("Properties", {}) or {}, new[logical].get("Properties", {}) or {}
                names = sorted(k for k in set(op) | set(np_) if op.get(k) != np_.get(k))
                recreate = set(create_only(info["ResourceType"]))
                change.scope = ["Properties"] + (["Tags"] if "Tags" in names else []) if names else []
                change.details = [
                    {"Target": {"Attribute": "Tags" if n == "Tags" else "Properties", "Name": n, "RequiresRecreation": "Always" if n in recreate else "Never"}, "Evaluation": "Static", "ChangeSource": "DirectModification"}
                    for n in names
                ]
                change.replacement = "True" if recreate & set(names) else "False"
            changes.append(change)
    return stack_tags.tag_changes(self, changes)


def create_change_set(self: Any, stack_name: str, change_set_name: str, template: str, parameters: dict[str, str], description: str, change_set_type: str, notification_arns: Any = None, tags: Any = None, role_arn: Any = None) -> tuple[str, str]:
    """CloudFormationBackend.create_change_set: refuses what CloudFormation refuses, reuses a REVIEW_IN_PROGRESS stack."""
    check_types(models.Stack.parse_template(template))
    existing = next((s for s in self.stacks.values() if s.name == stack_name), None)
    if existing is not None:
        if change_set_type == "CREATE" and existing.status != "REVIEW_IN_PROGRESS":
            raise AlreadyExistsException(f"Stack [{stack_name}] already exists")
        if change_set_type == "UPDATE" and existing.status in ("ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS", "ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED") or existing.status.endswith("_IN_PROGRESS") and existing.status != "REVIEW_IN_PROGRESS":
            raise ValidationError(existing.stack_id, message=f"Stack:{existing.stack_id} is in {existing.status} state and can not be updated.")
        if change_set_type == "CREATE":
            existing.parameters = parameters
            existing.resource_map = models.ResourceMap(existing.stack_id, existing.name, parameters, tags or {}, self.region_name, self.account_id, {}, self.exports)
            existing.resource_map.load()
            return _original_create_change_set(self, stack_name, change_set_name, template, parameters, description, "UPDATE_OF_REVIEW", notification_arns, tags, role_arn)
    change_set_id, stack_id = _original_create_change_set(self, stack_name, change_set_name, template, parameters, description, change_set_type, notification_arns, tags, role_arn)
    stack_tags.available_if_retagged(self, change_set_id)
    return change_set_id, stack_id


def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
    """ExecuteChangeSet: only an AVAILABLE change set; failures roll back; the stack's other change sets go."""
    change_set = self.describe_change_set(change_set_name)
    if change_set.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatus(f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current execution status of [{change_set.execution_status}]")
    stack = self.stacks[change_set.stack_id]
    change_set.execution_status = "EXECUTE_IN_PROGRESS"
    if change_set.change_set_type == "CREATE":
        stack.template = change_set.template
        stack._parse_template()
        stack.parameters = change_set.parameters
        stack.tags = change_set.tags or {}
        stack.resource_map = stack._create_resource_map()
        stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")
        stack.create_resources()
        ok = stack.status == "CREATE_COMPLETE"
    else:
        stack.update(change_set.template, change_set.role_arn, parameters=change_set.parameters, tags=change_set.tags)
        ok = stack.status == "UPDATE_COMPLETE"
    change_set.execution_status = "EXECUTE_COMPLETE" if ok else "EXECUTE_FAILED"
    for cs_id in [k for k, cs in self.change_sets.items() if cs.stack_id == stack.stack_id]:
        del self.change_sets[cs_id]


_original_create_change_set = models.CloudFormationBackend.create_change_set


def _create_change_set_compat(self: Any, stack_name: str, change_set_name: str, template: str, parameters: Any, description: str, change_set_type: str, notification_arns: Any = None, tags: Any = None, role_arn: Any = None) -> tuple[str, str]:
    if change_set_type != "UPDATE_OF_REVIEW":
        return _moto_create_change_set(self, stack_name, change_set_name, template, parameters, description, change_set_type, notification_arns, tags, role_arn)
    # a CREATE change set on a stack waiting in REVIEW_IN_PROGRESS: moto's UPDATE path finds the stack, the type stays CREATE
    change_set_id, stack_id = _moto_create_change_set(self, stack_name, change_set_name, template, parameters, description, "UPDATE", notification_arns, tags, role_arn)
    cs = self.change_sets[change_set_id]
    cs.change_set_type = "CREATE"
    cs.status, cs.execution_status, cs.status_reason = "CREATE_COMPLETE", "AVAILABLE", None
    return change_set_id, stack_id


_moto_create_change_set = models.CloudFormationBackend.create_change_set


def install() -> None:
    """Puts this module's stack operations in place of moto's."""
    global _original_create_change_set
    _original_create_change_set = _create_change_set_compat
    models.Stack.create_resources = create_resources
    models.Stack.update = stack_update
    models.ChangeSet.diff = change_set_diff
    models.CloudFormationBackend.create_change_set = create_change_set
    models.CloudFormationBackend.execute_change_set = execute_change_set

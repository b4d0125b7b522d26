"""Helpers the resource types of moto_cfn share.

CloudFormation's property names are PascalCase, the service APIs' camelCase: the
AWS::CodePipeline::Pipeline and AWS::CodeBuild::Project reference pages document each property
as "the <Api> structure", so a property converts by lowering its first letter, except for
maps the user writes (an action's `Configuration`), whose keys are kept as written.
"""
from __future__ import annotations

import json
from typing import Any

from moto.iam.models import iam_backends


class ResourceFailure(Exception):
    """A resource handler's refusal: CloudFormation shows the message as the resource's
    ResourceStatusReason (CREATE_FAILED / UPDATE_FAILED) and rolls the stack back."""


def camel(value: Any, verbatim: tuple[str, ...] = ("Configuration",)) -> Any:
    """PascalCase keys to camelCase, recursively; maps named in `verbatim` keep their keys."""
    if isinstance(value, list):
        return [camel(v, verbatim) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            key = k[:1].lower() + k[1:]
            out[key] = strings(v) if k in verbatim else camel(v, verbatim)
        return out
    return value


def strings(value: Any) -> Any:
    """A map of strings as the service stores it: CloudFormation sends `true` as "true", 5 as "5"."""
    if isinstance(value, dict):
        return {k: strings(v) for k, v in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


def api_tags(tags: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """CloudFormation's [{Key, Value}] as the service APIs' [{key, value}]."""
    return [{"key": t["Key"], "value": t.get("Value", "")} for t in tags or []]


def require_role(account_id: str, role_arn: str, service: str, what: str) -> None:
    """Services check at create time that they may assume the role they are given (CodePipeline:
    "CodePipeline is not authorized to perform AssumeRole on role"; CodeBuild: "CodeBuild is not
    authorized to perform: sts:AssumeRole on"; CodeDeploy: "AWS CodeDeploy does not have the
    permissions required to assume the role"). The role must exist and trust the service."""
    try:
        role = iam_backends[account_id]["aws"].get_role_by_arn(role_arn)
    except Exception:
        raise ResourceFailure(f"{what} is not authorized to perform: sts:AssumeRole on {role_arn} (the role does not exist)")
    doc = role.assume_role_policy_document
    doc = json.loads(doc) if isinstance(doc, str) else doc
    for st in doc.get("Statement", []):
        principal = st.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        if st.get("Effect") == "Allow" and service in services:
            return
    raise ResourceFailure(f"{what} is not authorized to perform: sts:AssumeRole on {role_arn} (its trust policy does not name {service})")


class PhysicalId:
    """Mixin of moto_cfn's resource types (each also subclasses moto's CloudFormationModel
    directly, because moto finds resource types with CloudFormationModel.__subclasses__())."""

    physical_id: str = ""

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    def is_created(self) -> bool:
        return True


def stack_tags(account_id: str, region: str, stack_id: str | None, logical_id: str | None) -> list[dict[str, str]]:
    """The tags CloudFormation puts on a resource it creates, besides the resource's own `Tags`:
    the stack's tags (propagated to every resource that supports tags) and
    aws:cloudformation:stack-name / stack-id / logical-id ("Resource tag", CloudFormation User Guide)."""
    from moto.cloudformation.models import cloudformation_backends

    if not stack_id:
        return []
    stack = cloudformation_backends[account_id][region].stacks.get(stack_id)
    if stack is None:
        return []
    tags = [{"key": k, "value": v} for k, v in sorted((stack.tags or {}).items())]
    tags += [
        {"key": "aws:cloudformation:stack-name", "value": stack.name},
        {"key": "aws:cloudformation:stack-id", "value": stack.stack_id},
        {"key": "aws:cloudformation:logical-id", "value": logical_id or ""},
    ]
    return tags


def merge_tags(*lists: list[dict[str, str]]) -> list[dict[str, str]]:
    """Later lists win; the resource's own Tags are given last."""
    merged: dict[str, str] = {}
    for tags in lists:
        for t in tags:
            merged[t["key"]] = t["value"]
    return [{"key": k, "value": v} for k, v in merged.items()]

"""AWS::CodePipeline::Pipeline through moto's own CodePipeline backend.

Behaviour and where it comes from:
- Properties are the PipelineDeclaration in PascalCase (CloudFormation reference,
  AWS::CodePipeline::Pipeline), except `ArtifactStores`, a list of {Region, ArtifactStore} where
  the API has a map from region to store; `Name` defaults to a generated `<stack>-<logicalId>-<suffix>`
  name; `Tags` go to CreatePipeline's tags.
- The stack's tags and aws:cloudformation:* tags are added to the pipeline's own (tag propagation).
- Ref returns the pipeline name; Fn::GetAtt Version returns its version (same page).
- Create calls moto's create_pipeline, which checks, as the service does, that the role exists
  and trusts codepipeline.amazonaws.com and that there are at least two stages.
- Update of a property other than Name is UpdatePipeline in place (the version goes up) plus
  TagResource/UntagResource for changed tags; Name is create-only, so a new name replaces the
  pipeline (resource schema `createOnlyProperties`, enforced by the stack engine).
- `DisableInboundStageTransitions` and `RestartExecutionOnUpdate` are CloudFormation-only
  properties (not in the declaration); they are kept on the resource, not sent to the API.
"""
from __future__ import annotations

from typing import Any

from moto.codepipeline.models import codepipeline_backends
from moto.core.common_models import CloudFormationModel

from .common import PhysicalId, ResourceFailure, api_tags, camel, merge_tags, stack_tags

CFN_ONLY = ("Tags", "DisableInboundStageTransitions", "RestartExecutionOnUpdate")


def declaration(name: str, props: dict[str, Any]) -> dict[str, Any]:
    """The CreatePipeline `pipeline` structure the properties describe."""
    body = {k: v for k, v in props.items() if k not in CFN_ONLY and k != "Name"}
    out = camel(body)
    # CloudFormation lists the stores as [{Region, ArtifactStore}] (AWS::CodePipeline::Pipeline
    # ArtifactStoreMap); the API's PipelineDeclaration maps each region to its store.
    if isinstance(out.get("artifactStores"), list):
        out["artifactStores"] = {s["region"]: s["artifactStore"] for s in out["artifactStores"]}
    out["name"] = name
    return out


class Pipeline(PhysicalId, CloudFormationModel):
    def __init__(self, account_id: str, region: str, name: str, props: dict[str, Any], inherited: list[dict[str, str]] | None = None):
        self.inherited = inherited or []
        self.account_id = account_id
        self.region = region
        self.physical_id = name
        self.props = props

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodePipeline::Pipeline"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Version"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Version":
            return str(self.backend().pipelines[self.physical_id].pipeline["version"])
        raise ResourceFailure(f"Pipeline has no attribute {attribute_name}")

    def backend(self) -> Any:
        return codepipeline_backends[self.account_id][self.region]

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "Pipeline":
        props = cloudformation_json["Properties"]
        backend = codepipeline_backends[account_id][region_name]
        inherited = stack_tags(account_id, region_name, kwargs.get("StackId"), kwargs.get("LogicalId"))
        try:
            backend.create_pipeline(declaration(resource_name, props), [t for t in inherited if not t["key"].startswith("aws:")] + api_tags(props.get("Tags")))
        except Exception as e:  # the service's own refusal, as the resource's failure reason
            raise ResourceFailure(getattr(e, "message", None) or str(e))
        # aws: tags can only be set by AWS itself (moto's TagResource refuses them from callers)
        backend.pipelines[resource_name].tags.update({t["key"]: t["value"] for t in inherited if t["key"].startswith("aws:")})
        return cls(account_id, region_name, resource_name, props, inherited)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "Pipeline":
        props = cloudformation_json["Properties"]
        backend = codepipeline_backends[account_id][region_name]
        name = original_resource.physical_id
        try:
            backend.update_pipeline(declaration(name, props))
        except Exception as e:
            raise ResourceFailure(getattr(e, "message", None) or str(e))
        arn = backend.pipelines[name]._arn
        inherited = [t for t in original_resource.inherited if not t["key"].startswith("aws:")]
        old = {t["key"]: t["value"] for t in merge_tags(inherited, api_tags(original_resource.props.get("Tags")))}
        new = {t["key"]: t["value"] for t in merge_tags(inherited, api_tags(props.get("Tags")))}
        gone = [k for k in old if k not in new]
        if gone:
            backend.untag_resource(arn, gone)
        changed = [{"key": k, "value": v} for k, v in new.items() if old.get(k) != v]
        if changed:
            backend.tag_resource(arn, changed)
        return cls(account_id, region_name, name, props, original_resource.inherited)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
        codepipeline_backends[account_id][region_name].delete_pipeline(resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        self.backend().delete_pipeline(self.physical_id)

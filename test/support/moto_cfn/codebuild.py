"""AWS::CodeBuild::Project through moto's own CodeBuild backend.

Behaviour and where it comes from (CloudFormation reference, AWS::CodeBuild::Project; CodeBuild
API reference, CreateProject):
- Properties are CreateProject's input in PascalCase; `Name` defaults to a generated name;
  Ref returns the project name, Fn::GetAtt Arn its ARN.
- CodeBuild refuses a service role it cannot assume ("CodeBuild is not authorized to perform:
  sts:AssumeRole"): the role must exist and trust codebuild.amazonaws.com.
- moto has no UpdateProject: an update re-creates the project record under the same name and
  ARN, which is what UpdateProject leaves visible through BatchGetProjects.
"""
from __future__ import annotations

from typing import Any

from moto.codebuild.models import codebuild_backends
from moto.core.common_models import CloudFormationModel

from .common import PhysicalId, ResourceFailure, api_tags, camel, require_role


def _create(account_id: str, region: str, name: str, props: dict[str, Any]) -> None:
    role = props["ServiceRole"]
    if not role.startswith("arn:"):
        role = f"arn:aws:iam::{account_id}:role/{role}"
    require_role(account_id, role, "codebuild.amazonaws.com", "CodeBuild")
    codebuild_backends[account_id][region].create_project(
        project_name=name,
        description=props.get("Description"),
        project_source=camel(props["Source"]),
        artifacts=camel(props["Artifacts"]),
        environment=camel(props["Environment"]),
        service_role=role,
        tags=api_tags(props.get("Tags")),
        cache=camel(props["Cache"]) if "Cache" in props else None,
        timeout=props.get("TimeoutInMinutes"),
        queued_timeout=props.get("QueuedTimeoutInMinutes"),
        source_version=props.get("SourceVersion"),
        logs_config=camel(props["LogsConfig"]) if "LogsConfig" in props else None,
        vpc_config=camel(props["VpcConfig"]) if "VpcConfig" in props else None,
    )
    if "EncryptionKey" in props:
        codebuild_backends[account_id][region].codebuild_projects[name].project_metadata["encryptionKey"] = props["EncryptionKey"]


class Project(PhysicalId, CloudFormationModel):
    def __init__(self, account_id: str, region: str, name: str, props: dict[str, Any]):
        self.account_id = account_id
        self.region = region
        self.physical_id = name
        self.props = props

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodeBuild::Project"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Arn":
            return codebuild_backends[self.account_id][self.region].codebuild_projects[self.physical_id].arn
        raise ResourceFailure(f"Project has no attribute {attribute_name}")

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "Project":
        props = cloudformation_json["Properties"]
        _create(account_id, region_name, resource_name, props)
        return cls(account_id, region_name, resource_name, props)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "Project":
        props = cloudformation_json["Properties"]
        _create(account_id, region_name, original_resource.physical_id, props)
        return cls(account_id, region_name, original_resource.physical_id, props)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
        codebuild_backends[account_id][region_name].delete_project(resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        codebuild_backends[self.account_id][self.region].delete_project(self.physical_id)

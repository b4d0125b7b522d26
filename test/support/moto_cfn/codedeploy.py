"""AWS::CodeDeploy::Application and AWS::CodeDeploy::DeploymentGroup through moto's CodeDeploy backend.

Behaviour and where it comes from (CloudFormation reference pages of both types; CodeDeploy API
reference, CreateApplication / CreateDeploymentGroup):
- Ref of an application is its name, of a deployment group its name; names default to
  generated ones. ApplicationName/ComputePlatform and DeploymentGroupName/ApplicationName are
  create-only (resource schemas), so changing them replaces the resource.
- CreateDeploymentGroup needs an existing application ("ApplicationDoesNotExistException") and
  a service role CodeDeploy can assume (the role must exist and trust codedeploy.amazonaws.com).
- moto has no Delete*/Update* for these: delete removes the backend's record, update re-creates
  the deployment group's record under the same name (what GetDeploymentGroup then shows).
"""
from __future__ import annotations

from typing import Any

from moto.codedeploy.models import AlarmConfiguration, codedeploy_backends
from moto.core.common_models import CloudFormationModel

from .common import PhysicalId, ResourceFailure, camel, require_role


class Application(PhysicalId, CloudFormationModel):
    def __init__(self, account_id: str, region: str, name: str):
        self.account_id = account_id
        self.region = region
        self.physical_id = name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "ApplicationName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodeDeploy::Application"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "Application":
        props = cloudformation_json["Properties"]
        try:
            codedeploy_backends[account_id][region_name].create_application(resource_name, props.get("ComputePlatform", "Server"), props.get("Tags") or [])
        except Exception as e:
            raise ResourceFailure(getattr(e, "message", None) or str(e))
        return cls(account_id, region_name, resource_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "Application":
        return original_resource  # only Tags can change in place; moto keeps tags on the record

    def delete(self, account_id: str, region_name: str) -> None:
        backend = codedeploy_backends[self.account_id][self.region]
        if backend.deployment_groups.get(self.physical_id):
            raise ResourceFailure(f"application {self.physical_id} still has deployment groups")
        backend.applications.pop(self.physical_id, None)


def _create_group(account_id: str, region: str, name: str, props: dict[str, Any]) -> None:
    require_role(account_id, props["ServiceRoleArn"], "codedeploy.amazonaws.com", "AWS CodeDeploy")
    alarms = props.get("AlarmConfiguration")
    backend = codedeploy_backends[account_id][region]
    try:
        backend.create_deployment_group(
            application_name=props["ApplicationName"],
            deployment_group_name=name,
            deployment_config_name=props.get("DeploymentConfigName"),
            ec2_tag_filters=camel(props.get("Ec2TagFilters")),
            on_premises_instance_tag_filters=camel(props.get("OnPremisesInstanceTagFilters")),
            auto_scaling_groups=props.get("AutoScalingGroups"),
            service_role_arn=props["ServiceRoleArn"],
            trigger_configurations=camel(props.get("TriggerConfigurations")),
            alarm_configuration=AlarmConfiguration(camel(alarms.get("Alarms")), alarms.get("Enabled"), alarms.get("IgnorePollAlarmFailure", False)) if alarms else None,
            auto_rollback_configuration=camel(props.get("AutoRollbackConfiguration")),
            outdated_instances_strategy=props.get("OutdatedInstancesStrategy"),
            deployment_style=camel(props.get("DeploymentStyle")),
            blue_green_deployment_configuration=camel(props.get("BlueGreenDeploymentConfiguration")),
            load_balancer_info=camel(props.get("LoadBalancerInfo")),
            ec2_tag_set=camel(props.get("Ec2TagSet")),
            ecs_services=[{"serviceName": s["ServiceName"], "clusterName": s["ClusterName"]} for s in props.get("ECSServices", [])],
            on_premises_tag_set=camel(props.get("OnPremisesTagSet")),
            tags=props.get("Tags") or [],  # CodeDeploy's own Tag shape is {Key, Value}, as CloudFormation's
            termination_hook_enabled=props.get("TerminationHookEnabled"),
        )
    except ResourceFailure:
        raise
    except Exception as e:
        raise ResourceFailure(getattr(e, "message", None) or str(e))


class DeploymentGroup(PhysicalId, CloudFormationModel):
    def __init__(self, account_id: str, region: str, name: str, application: str):
        self.account_id = account_id
        self.region = region
        self.physical_id = name
        self.application = application

    @staticmethod
    def cloudformation_name_type() -> str:
        return "DeploymentGroupName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodeDeploy::DeploymentGroup"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "DeploymentGroup":
        props = cloudformation_json["Properties"]
        _create_group(account_id, region_name, resource_name, props)
        return cls(account_id, region_name, resource_name, props["ApplicationName"])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "DeploymentGroup":
        props = cloudformation_json["Properties"]
        original_resource.delete(account_id, region_name)
        _create_group(account_id, region_name, original_resource.physical_id, props)
        return cls(account_id, region_name, original_resource.physical_id, props["ApplicationName"])

    def delete(self, account_id: str, region_name: str) -> None:
        groups = codedeploy_backends[self.account_id][self.region].deployment_groups.get(self.application, {})
        groups.pop(self.physical_id, None)

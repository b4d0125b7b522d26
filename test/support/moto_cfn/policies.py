"""AWS::S3::BucketPolicy, AWS::SNS::TopicPolicy, AWS::CloudTrail::Trail and
AWS::CodeStarNotifications::NotificationRule.

Behaviour and where it comes from (each type's CloudFormation reference page):
- BucketPolicy: PutBucketPolicy on `Bucket` (the bucket must exist: NoSuchBucket); delete is
  DeleteBucketPolicy; Ref is the bucket name (the resource's primary identifier).
- TopicPolicy: SetTopicAttributes (Policy) on each of `Topics` (each must exist: NotFound);
  delete restores the topic's default policy; Ref is a generated id.
- Trail: CreateTrail (moto checks the name rules and that the bucket and topic exist) then
  StartLogging when IsLogging is true, PutEventSelectors / PutAdvancedEventSelectors; Ref is the
  trail name, Fn::GetAtt Arn / SnsTopicArn.
- NotificationRule: moto has no CodeStar Notifications service, so the rule lives in this
  module's store, keyed by ARN `arn:aws:codestar-notifications:<region>:<account>:notificationrule/<id>`
  (the format the service returns); CreateNotificationRule checks that every SNS target exists
  and that `Name` is unique in the account and region; Ref and Fn::GetAtt Arn are the ARN.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from moto.cloudtrail.models import cloudtrail_backends
from moto.core.common_models import CloudFormationModel
from moto.s3.models import s3_backends
from moto.sns.models import sns_backends

from .common import PhysicalId, ResourceFailure, camel


def _text(doc: Any) -> str:
    return doc if isinstance(doc, str) else json.dumps(doc)


class BucketPolicy(PhysicalId, CloudFormationModel):
    def __init__(self, account_id: str, bucket: str):
        self.account_id = account_id
        self.physical_id = bucket

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "BucketPolicy":
        props = cloudformation_json["Properties"]
        try:
            s3_backends[account_id]["aws"].put_bucket_policy(props["Bucket"], _text(props["PolicyDocument"]).encode())
        except Exception as e:
            raise ResourceFailure(f"The specified bucket does not exist (Service: S3, Status Code: 404): {props['Bucket']}") from e
        return cls(account_id, props["Bucket"])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "BucketPolicy":
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            s3_backends[self.account_id]["aws"].delete_bucket_policy(self.physical_id)
        except Exception:
            pass  # the bucket is gone, and its policy with it


class TopicPolicy(PhysicalId, CloudFormationModel):
    def __init__(self, account_id: str, region: str, name: str, topics: list[str]):
        self.account_id = account_id
        self.region = region
        self.physical_id = name
        self.topics = topics

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::TopicPolicy"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "TopicPolicy":
        props = cloudformation_json["Properties"]
        backend = sns_backends[account_id][region_name]
        for arn in props["Topics"]:
            try:
                backend.get_topic(arn)
            except Exception as e:
                raise ResourceFailure(f"Topic does not exist (Service: Sns, Status Code: 404): {arn}") from e
            backend.set_topic_attribute(arn, "policy", _text(props["PolicyDocument"]))
        return cls(account_id, region_name, resource_name, props["Topics"])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "TopicPolicy":
        return cls.create_from_cloudformation_json(original_resource.physical_id, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = sns_backends[self.account_id][self.region]
        for arn in self.topics:
            topic = backend.topics.get(arn)
            if topic is not None:
                topic._policy_json = topic._create_default_topic_policy(self.region, self.account_id, topic.name)


class Trail(PhysicalId, CloudFormationModel):
    def __init__(self, account_id: str, region: str, name: str):
        self.account_id = account_id
        self.region = region
        self.physical_id = name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "TrailName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudTrail::Trail"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Arn", "SnsTopicArn")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        trail = cloudtrail_backends[self.account_id][self.region].trails[self.physical_id]
        return trail.arn if attribute_name == "Arn" else trail.topic_arn

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "Trail":
        p = cloudformation_json["Properties"]
        backend = cloudtrail_backends[account_id][region_name]
        try:
            backend.create_trail(resource_name, p["S3BucketName"], p.get("S3KeyPrefix"), p.get("SnsTopicName"), p.get("IncludeGlobalServiceEvents", True), p.get("IsMultiRegionTrail", False), p.get("EnableLogFileValidation", False), p.get("IsOrganizationTrail", False), p.get("CloudWatchLogsLogGroupArn"), p.get("CloudWatchLogsRoleArn"), p.get("KMSKeyId"), p.get("Tags", []))  # CloudTrail's Tag shape is {Key, Value}, as CloudFormation's
            if p.get("EventSelectors") or p.get("AdvancedEventSelectors"):
                backend.put_event_selectors(resource_name, camel(p.get("EventSelectors")), camel(p.get("AdvancedEventSelectors")))
            if str(p["IsLogging"]).lower() == "true":
                backend.start_logging(resource_name)
        except Exception as e:
            raise ResourceFailure(getattr(e, "message", None) or str(e))
        return cls(account_id, region_name, resource_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "Trail":
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(original_resource.physical_id, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        cloudtrail_backends[self.account_id][self.region].delete_trail(self.physical_id)


NOTIFICATION_RULES: dict[str, dict[str, Any]] = {}


class NotificationRule(PhysicalId, CloudFormationModel):
    def __init__(self, arn: str):
        self.physical_id = arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodeStarNotifications::NotificationRule"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.physical_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "NotificationRule":
        p = cloudformation_json["Properties"]
        for rule in NOTIFICATION_RULES.values():
            if rule["account"] == account_id and rule["region"] == region_name and rule["Name"] == p["Name"]:
                raise ResourceFailure(f"A notification rule with the name {p['Name']} already exists (ResourceAlreadyExistsException)")
        for target in p["Targets"]:
            if target["TargetType"] == "SNS":
                try:
                    sns_backends[account_id][region_name].get_topic(target["TargetAddress"])
                except Exception:
                    raise ResourceFailure(f"Target {target['TargetAddress']} does not exist (ValidationException)")
        rule_id = hashlib.sha1(f"{account_id}/{region_name}/{p['Name']}".encode()).hexdigest()
        arn = f"arn:aws:codestar-notifications:{region_name}:{account_id}:notificationrule/{rule_id}"
        NOTIFICATION_RULES[arn] = {**p, "account": account_id, "region": region_name}
        return cls(arn)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "NotificationRule":
        NOTIFICATION_RULES.pop(original_resource.physical_id, None)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        NOTIFICATION_RULES.pop(self.physical_id, None)

"""Corrections to resource types moto already has.

- AWS::KMS::Key: CloudFormation's `Tags` are [{Key, Value}] (CloudFormation reference,
  AWS::KMS::Key, "Tag"), while moto hands them to KMS's CreateKey, whose tags are
  [{TagKey, TagValue}], and fails with KeyError 'TagKey'. They are converted first.
- AWS::S3::Bucket: an in-place update with `Tags` tags the bucket named by the `BucketName`
  property, which a bucket with a generated name does not have (KeyError 'BucketName'); the
  bucket's own name is used (PutBucketTagging on the existing bucket, "No interruption" per the
  AWS::S3::Bucket reference).
- AWS::S3::Bucket, deleted with its stack: moto leaves a bucket that holds objects (or object
  versions) in place and reports success; S3's DeleteBucket refuses it (BucketNotEmpty, "The
  bucket you tried to delete is not empty"; a versioned bucket is empty only when every version
  and delete marker is gone), so CloudFormation records DELETE_FAILED with that reason.
- AWS::S3::Bucket `VersioningConfiguration`: moto creates the bucket unversioned; S3 versions it
  (AWS::S3::Bucket reference, VersioningConfiguration; PutBucketVersioning).
- AWS::IAM::Role `Policies`: moto keeps each inline policy as the template's mapping, so
  GetRolePolicy returns its Python repr; IAM keeps the policy's JSON text and returns it
  (GetRolePolicy reference: PolicyDocument, "The policy document", URL-encoded JSON). And an
  in-place update ignores `Policies`, which CloudFormation applies with "No interruption"
  (AWS::IAM::Role reference, Policies): the role's inline policies become those of the template
  (PutRolePolicy for each, DeleteRolePolicy for the ones it no longer names).
"""
from __future__ import annotations

import json
from typing import Any

from moto.iam.models import Role
from moto.kms.models import Key
from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

from .common import ResourceFailure

_create_key = Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _key_from_cloudformation(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    props = cloudformation_json.get("Properties", {})
    if props.get("Tags"):
        props = {**props, "Tags": [{"TagKey": t["Key"], "TagValue": t.get("Value", "")} for t in props["Tags"]]}
        cloudformation_json = {**cloudformation_json, "Properties": props}
    return _create_key(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


_update_bucket = FakeBucket.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _bucket_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
    props = cloudformation_json.get("Properties", {})
    if "BucketName" not in props:
        cloudformation_json = {**cloudformation_json, "Properties": {**props, "BucketName": original_resource.name}}
    return _update_bucket(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)


_delete_bucket = FakeBucket.delete_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _bucket_delete(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
    bucket = s3_backends[account_id][get_partition(region_name)].buckets.get(resource_name)
    if bucket is not None and len(bucket.keys) > 0:
        raise ResourceFailure("The bucket you tried to delete is not empty")
    _delete_bucket(cls, resource_name, cloudformation_json, account_id, region_name)


_create_bucket = FakeBucket.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _bucket_create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    bucket = _create_bucket(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    status = ((cloudformation_json.get("Properties") or {}).get("VersioningConfiguration") or {}).get("Status")
    if status:
        s3_backends[account_id][get_partition(region_name)].put_bucket_versioning(bucket.name, status)
    return bucket


def _role_policies(role: Any, cloudformation_json: Any) -> None:
    """The role's inline policies become the template's `Policies`, each kept as JSON text."""
    wanted = {p["PolicyName"]: p["PolicyDocument"] for p in (cloudformation_json.get("Properties") or {}).get("Policies") or []}
    for name in [n for n in role.policies if n not in wanted]:
        role.delete_policy(name)
    for name, doc in wanted.items():
        role.put_policy(name, doc if isinstance(doc, str) else json.dumps(doc))


_create_role = Role.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
_update_role = Role.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _role_create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    role = _create_role(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    _role_policies(role, cloudformation_json)
    return role


def _role_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
    role = _update_role(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
    _role_policies(role, cloudformation_json)
    return role


def install() -> None:
    Role.create_from_cloudformation_json = classmethod(_role_create)  # type: ignore[method-assign]
    Role.update_from_cloudformation_json = classmethod(_role_update)  # type: ignore[method-assign]
    FakeBucket.create_from_cloudformation_json = classmethod(_bucket_create)  # type: ignore[method-assign]
    FakeBucket.delete_from_cloudformation_json = classmethod(_bucket_delete)  # type: ignore[method-assign]
    Key.create_from_cloudformation_json = classmethod(_key_from_cloudformation)  # type: ignore[method-assign]
    FakeBucket.update_from_cloudformation_json = classmethod(_bucket_update)  # type: ignore[method-assign]

"""Corrections to resource types moto already has.

- AWS::KMS::Key: CloudFormation's `Tags` are [{Key, Value}] (CloudFormation reference,
  AWS::KMS::Key, "Tag"), while moto hands them to KMS's CreateKey, whose tags are
  [{TagKey, TagValue}], and fails with KeyError 'TagKey'. They are converted first.
- AWS::S3::Bucket: an in-place update with `Tags` tags the bucket named by the `BucketName`
  property, which a bucket with a generated name does not have (KeyError 'BucketName'); the
  bucket's own name is used (PutBucketTagging on the existing bucket, "No interruption" per the
  AWS::S3::Bucket reference).
"""
from __future__ import annotations

from typing import Any

from moto.kms.models import Key
from moto.s3.models import FakeBucket

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


def install() -> None:
    Key.create_from_cloudformation_json = classmethod(_key_from_cloudformation)  # type: ignore[method-assign]
    FakeBucket.update_from_cloudformation_json = classmethod(_bucket_update)  # type: ignore[method-assign]

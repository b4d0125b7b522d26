"""TemplateURL at the emulator's own address.

`aws cloudformation deploy --s3-bucket` (AWS CLI v1, awscli/customizations/s3uploader.py,
to_path_style_s3_url) uploads the template and passes CloudFormation a path-style URL built
from the S3 endpoint it used: `<endpoint>/<bucket>/<key>`. Against AWS that is
`https://s3.<region>.amazonaws.com/<bucket>/<key>`, which moto reads; against moto it is
`http://127.0.0.1:<port>/<bucket>/<key>`, which moto 5.2.1 reads as a virtual-hosted URL (bucket
"127") unless the host says "localhost". A loopback host is read path-style here, as the S3
endpoint it names serves it. Every other URL (virtual-hosted `https://<bucket>.s3.<region>.amazonaws.com/<key>`,
path-style on amazonaws.com) goes to moto's own reading unchanged.

CloudFormation reads the template with its caller's credentials: a bucket of another account
must grant that account s3:GetObject in its bucket policy, and an explicit Deny refuses it; the
call then fails with "S3 error: Access Denied" (../s3_access.py says where that comes from).
"""
from __future__ import annotations

from urllib.parse import urlparse

import moto.cloudformation.models as cfn_models
import moto.cloudformation.responses as cfn_responses
from moto.cloudformation import utils as cfn_utils
from moto.cloudformation.exceptions import ValidationError
from moto.s3.models import s3_backends

import s3_access

_original = cfn_utils.get_stack_from_s3_url


def _bucket_and_key(template_url: str) -> tuple[str, str]:
    """The bucket and key a TemplateURL names: path-style on loopback and s3[.region].amazonaws.com, else virtual-hosted."""
    url = urlparse(template_url)
    host = url.hostname or ""
    if host.startswith("127.") or host in ("::1", "localhost") or (host.startswith("s3") and host.endswith("amazonaws.com")):
        bucket, _, key = url.path.lstrip("/").partition("/")
        return bucket, key
    return host.split(".")[0], url.path.lstrip("/")


def _get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
    bucket_name, key = _bucket_and_key(template_url)
    try:
        bucket = s3_backends[account_id][partition].get_bucket(bucket_name)
    except Exception:
        bucket = None  # moto's reading says what is missing
    if bucket is not None and not s3_access.allowed(bucket, account_id, "s3:GetObject", key):
        raise ValidationError(message="S3 error: Access Denied\nFor more information check http://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html")
    host = urlparse(template_url).hostname or ""
    if host.startswith("127.") or host == "::1":
        path = urlparse(template_url).path.lstrip("/")
        return _original(f"http://localhost/{path}", account_id=account_id, partition=partition)
    return _original(template_url, account_id=account_id, partition=partition)


def install() -> None:
    cfn_utils.get_stack_from_s3_url = _get_stack_from_s3_url
    cfn_responses.get_stack_from_s3_url = _get_stack_from_s3_url
    cfn_models.get_stack_from_s3_url = _get_stack_from_s3_url

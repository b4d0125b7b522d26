"""TemplateURL at the emulator's own address.

`aws cloudformation deploy --s3-bucket` (AWS CLI v1, awscli/customizations/s3uploader.py,
to_path_style_s3_url) uploads the template and passes CloudFormation a path-style URL built
from the S3 endpoint it used: `<endpoint>/<bucket>/<key>`. Against AWS that is
`https://s3.<region>.amazonaws.com/<bucket>/<key>`, which moto reads; against moto it is
`http://127.0.0.1:<port>/<bucket>/<key>`, which moto 5.2.1 reads as a virtual-hosted URL (bucket
"127") unless the host says "localhost". A loopback host is read path-style here, as the S3
endpoint it names serves it. Every other URL (virtual-hosted `https://<bucket>.s3.<region>.amazonaws.com/<key>`,
path-style on amazonaws.com) goes to moto's own reading unchanged.
"""
from __future__ import annotations

from urllib.parse import urlparse

import moto.cloudformation.models as cfn_models
import moto.cloudformation.responses as cfn_responses
from moto.cloudformation import utils as cfn_utils

_original = cfn_utils.get_stack_from_s3_url


def _get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
    host = urlparse(template_url).hostname or ""
    if host.startswith("127.") or host == "::1":
        path = urlparse(template_url).path.lstrip("/")
        return _original(f"http://localhost/{path}", account_id=account_id, partition=partition)
    return _original(template_url, account_id=account_id, partition=partition)


def install() -> None:
    cfn_utils.get_stack_from_s3_url = _get_stack_from_s3_url
    cfn_responses.get_stack_from_s3_url = _get_stack_from_s3_url
    cfn_models.get_stack_from_s3_url = _get_stack_from_s3_url

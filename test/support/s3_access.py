"""Who may read and write an S3 object: the bucket policy, as S3 evaluates it for another account.

Why this file exists: moto 5.2.1 serves every account's buckets to every caller (its
`s3_allow_crossdomain_access`), and answers an explicit Deny of a bucket policy with an empty
403. AWS documents (S3 User Guide, "How Amazon S3 authorizes a request for an object operation",
and "Example 2: Bucket owner granting cross-account bucket permissions"; IAM User Guide,
"Policy evaluation logic": "an explicit deny in any policy overrides any allows") that:
- a request from another account than the bucket owner's succeeds only if the bucket policy
  allows that account (its root, or a principal of it) the action on the object's ARN;
- an explicit Deny in the bucket policy refuses the request whoever makes it;
- the refusal is 403 with an XML body whose Code is AccessDenied (no body for HEAD).
CloudFormation reads a TemplateURL with the credentials of its caller (CloudFormation User
Guide, "Uploading local artifacts to an S3 bucket"; a refused read fails the call with
"S3 error: Access Denied"), so moto_cfn/template_url.py asks `allowed` too.

The caller's own identity policies are not evaluated (moto does not enforce IAM here), and
neither are conditions: a Deny with a Condition never refuses and an Allow with one always
grants, so this emulator refuses only what AWS would certainly refuse. Only object operations
are checked (GetObject/HeadObject, PutObject and multipart uploads, DeleteObject).
"""
from __future__ import annotations

import fnmatch
import json
import re
from typing import Any

import moto.s3.responses as s3_responses

ACCESS_DENIED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
    "<RequestId>0000000000000000</RequestId><HostId>moto</HostId></Error>"
)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _names_account(principal: Any, account: str) -> bool:
    """A policy's Principal that covers the given account: "*", the account id, its root or any principal in it."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for p in _listed(principal.get("AWS", [])):
        if p == "*" or p == account or re.match(rf"^arn:aws[a-z-]*:(iam|sts)::{account}:", str(p)):
            return True
    return False


def _matches(patterns: Any, value: str, case: bool) -> bool:
    for p in _listed(patterns):
        if fnmatch.fnmatchcase(value if case else value.lower(), str(p) if case else str(p).lower()):
            return True
    return False


def _applies(statement: dict[str, Any], account: str, action: str, resource: str) -> bool:
    if "Principal" in statement and not _names_account(statement["Principal"], account):
        return False
    if "NotPrincipal" in statement:
        return False
    acts = _matches(statement["Action"], action, False) if "Action" in statement else not _matches(statement.get("NotAction", []), action, False)
    res = _matches(statement["Resource"], resource, True) if "Resource" in statement else not _matches(statement.get("NotResource", []), resource, True)
    return acts and res


def allowed(bucket: Any, account: str, action: str, key: str) -> bool:
    """Whether `account` may do `action` (s3:GetObject, ...) on `key` of `bucket` (a moto FakeBucket)."""
    resource = f"arn:aws:s3:::{bucket.name}/{key}"
    try:
        statements = _listed(json.loads(bucket.policy.decode() if isinstance(bucket.policy, bytes) else bucket.policy)["Statement"]) if bucket.policy else []
    except (ValueError, KeyError, TypeError):
        statements = []
    for s in statements:
        if s.get("Effect") == "Deny" and "Condition" not in s and _applies(s, account, action, resource):
            return False
    if account == bucket.account_id:
        return True
    return any(s.get("Effect") == "Allow" and _applies(s, account, action, resource) for s in statements)


_ACTIONS = {"GET": "s3:GetObject", "HEAD": "s3:GetObject", "PUT": "s3:PutObject", "POST": "s3:PutObject", "DELETE": "s3:DeleteObject"}
# Query parameters of the object operations above; any other names a subresource (tagging, acl, ...), not checked here.
_OBJECT_QUERY = {"uploadId", "uploads", "partNumber", "versionId", "x-id"}

_moto_key_response = s3_responses.S3Response._key_response


def _key_response(self: Any, request: Any, full_url: str) -> Any:
    from urllib.parse import parse_qs, urlparse

    action = _ACTIONS.get(request.method)
    query = parse_qs(urlparse(full_url).query, keep_blank_values=True)
    if action and set(query) <= _OBJECT_QUERY:
        try:
            bucket = self.backend.get_bucket(self.parse_bucket_name_from_url(request, full_url))
        except Exception:
            bucket = None  # a missing bucket is moto's to answer (NoSuchBucket)
        if bucket is not None and not allowed(bucket, self.current_account, action, self.parse_key_name()):
            return 403, {"content-type": "application/xml"}, "" if request.method == "HEAD" else ACCESS_DENIED
    status, headers, body = _moto_key_response(self, request, full_url)
    if status == 403 and not body and request.method != "HEAD":
        # moto's own refusal of an explicit Deny comes without the body S3 sends
        return 403, {"content-type": "application/xml"}, ACCESS_DENIED
    return status, headers, body


def install() -> None:
    s3_responses.S3Response._key_response = _key_response

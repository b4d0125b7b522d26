"""Starts moto_server for pipec's tests.

Why this file exists: moto 5.2.1 writes the `created`/`updated` timestamps of GetPipeline
metadata and ListPipelines as ISO-8601 strings, while the real CodePipeline service (JSON 1.1
protocol) sends epoch seconds. The AWS SDK for JavaScript v3 rejects the strings with
"Expected real number, got implicit NaN". We replace moto's formatter with one returning
epoch seconds, as the real service does, and then run moto's own server entry point.

It also loads moto_cfn (this folder), which extends moto's CloudFormation with the resource
types pipec's stacks use and with CloudFormation's failure, rollback and change set behaviour;
see moto_cfn/__init__.py. And it installs the execution API moto lacks
(codepipeline_executions.py, an emulator of CodePipeline's execution model with a control
endpoint for tests).

With PIPEC_MOTO_DEFAULT_ACCOUNT (instead of MOTO_ACCOUNT_ID, which pins every request to one
account), requests are in that account unless their credentials come from an STS AssumeRole
into another account, which moto's STS allows: one moto then serves several accounts, reached
the way real cross-account deployments are, through profiles that assume a role there.

S3 conditional writes: AWS documents (S3 User Guide, "Add preconditions to S3 operations with
conditional requests"; PutObject `If-None-Match`) that a PutObject with `If-None-Match: *`
succeeds only if no object has the key, and that of concurrent conditional writes to one key
exactly one succeeds: the others get 412 Precondition Failed (or 409 ConditionalRequestConflict).
terraform's S3 backend and pipec's apply lock rely on that. moto 5.2.1 honours the header, but
checks for the object and then writes it in two steps on a threaded server, so two racing
requests can both succeed. We make the check and the write of every PutObject one step under a
lock, as S3 guarantees.

S3 bucket policies for other accounts and explicit denies of object operations: s3_access.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import threading

import moto.codepipeline.models as codepipeline_models
import moto.s3.responses as s3_responses
import moto.server

import moto_cfn  # noqa: F401  (installs itself)

if os.environ.get("PIPEC_MOTO_DEFAULT_ACCOUNT"):
    import moto.iam.models as iam_models

    iam_models.DEFAULT_ACCOUNT_ID = os.environ["PIPEC_MOTO_DEFAULT_ACCOUNT"]


def _epoch_seconds(dt):
    return dt.timestamp()


codepipeline_models.iso_8601_datetime_with_milliseconds = _epoch_seconds

_put_object_lock = threading.Lock()
_moto_put_object = s3_responses.S3Response.put_object


def _atomic_put_object(self, *args, **kwargs):
    # One PutObject at a time: the If-None-Match / If-Match check and the write are atomic.
    with _put_object_lock:
        return _moto_put_object(self, *args, **kwargs)


s3_responses.S3Response.put_object = _atomic_put_object

import codepipeline_executions  # noqa: E402  (needs the path above)
import s3_access  # noqa: E402  (needs the path above)

s3_access.install()

codepipeline_executions.install()

if __name__ == "__main__":
    moto.server.main(sys.argv[1:])

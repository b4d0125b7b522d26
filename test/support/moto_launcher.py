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
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import moto.codepipeline.models as codepipeline_models
import moto.server

import moto_cfn  # noqa: F401  (installs itself)

if os.environ.get("PIPEC_MOTO_DEFAULT_ACCOUNT"):
    import moto.iam.models as iam_models

    iam_models.DEFAULT_ACCOUNT_ID = os.environ["PIPEC_MOTO_DEFAULT_ACCOUNT"]


def _epoch_seconds(dt):
    return dt.timestamp()


codepipeline_models.iso_8601_datetime_with_milliseconds = _epoch_seconds

import codepipeline_executions  # noqa: E402  (needs the path above)

codepipeline_executions.install()

if __name__ == "__main__":
    moto.server.main(sys.argv[1:])

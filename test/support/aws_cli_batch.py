"""Runs several AWS CLI commands in one Python process, for pipec's tests.

Why this file exists: each `aws` process spends about a second of CPU starting Python and
importing botocore before it sends its one request, so a suite making dozens of calls spends
most of its time there (minutes on a busy 2-core machine). This runs the very entry point
of the `aws` command, awscli.clidriver, once per command, with a fresh driver each time: the
argument parsing, --cli-input-json handling and botocore's client-side validation against
the official API model are exactly those of `aws`.

stdin: a JSON list of argv lists, each without the leading "aws".
stdout: a JSON list of {"code", "stdout", "stderr"}, in the same order.
"""
import contextlib
import io
import json
import sys

from awscli.clidriver import create_clidriver


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = create_clidriver().main(argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


if __name__ == "__main__":
    commands = json.load(sys.stdin)
    results = [run(argv) for argv in commands]
    sys.stdout.write(json.dumps(results))

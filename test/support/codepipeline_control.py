"""The emulator's control endpoint, for tests only: /_pipec/ on moto's server (see codepipeline_executions.py).

Tests move the virtual clock, inject failures, set durations and source heads through it; none of
this exists in AWS.
"""
import json
import os

from moto.codepipeline.models import codepipeline_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from codepipeline_engine import CLOCK, CONTROLS, LOCK


def control(path, body, engine_for):
    with LOCK:
        if path == "/_pipec/clock":
            CLOCK.configure(body.get("mode"), body.get("now"), body.get("advance"), body.get("scale"))
        elif path == "/_pipec/inject":
            key = (body["pipeline"], body["stage"], body["action"])
            CONTROLS.injections.setdefault(key, []).append(dict(body, times=int(body.get("times", 1))))
        elif path == "/_pipec/duration":
            if "default" in body:
                CONTROLS.default_duration = float(body["default"])
            else:
                CONTROLS.durations[(body["pipeline"], body["stage"], body["action"])] = float(body["seconds"])
        elif path == "/_pipec/head":
            CONTROLS.heads[(body["pipeline"], body["action"])] = {k: body[k] for k in ("revisionId", "revisionSummary", "revisionUrl") if k in body}
            if body.get("start"):
                backend = codepipeline_backends[body.get("account") or os.environ.get("MOTO_ACCOUNT_ID", "123456789012")][body.get("region", "us-east-1")]
                rt = engine_for(backend).runtime(body["pipeline"])
                ex = rt.start(CLOCK.now(), {"triggerType": body.get("triggerType", "CloudWatchEvent"), "triggerDetail": body.get("triggerDetail", "source change")})
                rt.settle(CLOCK.now())
                return {"now": CLOCK.now(), "pipelineExecutionId": ex.id}
        elif path == "/_pipec/reset":
            CONTROLS.reset()
            CLOCK.__init__()
        elif path != "/_pipec/now":
            return None
        return {"now": CLOCK.now()}


def install(engine_for):
    """Serves /_pipec/ on moto's server before its own dispatch; `engine_for(backend)` gives a backend's engine."""
    original = DomainDispatcherApplication.__call__

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_pipec/"):
            return original(self, environ, start_response)
        try:
            size = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(size) or b"{}") if size else {}
            out = control(path, body, engine_for)
            status = "200 OK" if out is not None else "404 Not Found"
            payload = json.dumps(out if out is not None else {"error": f"no control {path}"}).encode()
        except Exception as e:  # a bad control call is the test's mistake: say what it was
            status, payload = "400 Bad Request", json.dumps({"error": repr(e)}).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    DomainDispatcherApplication.__call__ = __call__

"""The transport half of a Stowage driver: JSON-RPC 2.0 over a Unix socket, one JSON object per line.

This file knows nothing about storage. Copy it unchanged into your own driver; it implements the
"Transport and framing" section of the Stowage driver protocol (spec/driver-protocol.md):

- listens on a Unix stream socket (removes a stale socket file, refuses to start over a live one, mode 0600);
- reads newline-delimited requests from any number of connections;
- serves every request on its own thread, so pipelined requests on one connection run concurrently and their
  responses may come back in any order (each carries its request's id);
- answers a line that is not JSON with PARSE_ERROR (-32700) and keeps the connection open;
- answers a well-formed request for an unknown method with UNIMPLEMENTED (12);
- refuses a line over 4 MiB with INVALID_ARGUMENT (3) without crashing;
- logs one line per call (method, duration, status) and never the parameters, so `secrets` never reach a log.

Standard library only.
"""

import json
import os
import socket
import sys
import threading
import time

# gRPC status codes by name, exactly as the protocol page lists them.
STATUS_CODES = {
    "OK": 0, "CANCELLED": 1, "UNKNOWN": 2, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5, "ALREADY_EXISTS": 6, "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9, "ABORTED": 10, "OUT_OF_RANGE": 11, "UNIMPLEMENTED": 12,
    "INTERNAL": 13, "UNAVAILABLE": 14, "DATA_LOSS": 15, "UNAUTHENTICATED": 16,
}

MAX_LINE_BYTES = 4 * 1024 * 1024


class RPCError(Exception):
    """An error a method handler raises to answer with a status code, e.g. RPCError("NOT_FOUND", "...").

    The message is shown to people (and logged): never put a secret in it.
    """

    def __init__(self, status, message):
        super().__init__(message)
        if status not in STATUS_CODES:
            raise ValueError("unknown status %r" % status)
        self.status = status
        self.message = message

    def to_json(self):
        return {"code": STATUS_CODES[self.status], "message": self.message, "data": {"status": self.status}}


def log(message):
    """Writes one line to stderr. Callers pass method names and codes only, never request parameters."""
    sys.stderr.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), message))
    sys.stderr.flush()


def parse_endpoint(endpoint):
    """Returns the socket path of a `unix:///abs/path.sock` endpoint, or raises ValueError."""
    prefix = "unix://"
    if not endpoint.startswith(prefix) or not endpoint[len(prefix):].startswith("/"):
        raise ValueError("endpoint %r is not of the form unix:///absolute/path.sock" % endpoint)
    return endpoint[len(prefix):]


class JSONRPCServer:
    """Serves `handlers` (a dict from method name to a function taking the params dict and returning the
    result dict) on a Unix socket. Handlers run concurrently on threads; they must do their own locking."""

    def __init__(self, socket_path, handlers):
        self.socket_path = socket_path
        self.handlers = handlers
        self.listener = None
        self.stopping = threading.Event()

    # -- listening --------------------------------------------------------------------------------------

    def listen(self):
        """Binds the socket: a leftover file from a dead driver is removed, a live driver is not disturbed."""
        if os.path.exists(self.socket_path):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.socket_path)
            except OSError:
                os.unlink(self.socket_path)  # nobody answers: a stale socket file
            else:
                raise RuntimeError("another process is serving %s" % self.socket_path)
            finally:
                probe.close()
        os.makedirs(os.path.dirname(self.socket_path), exist_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)  # the socket file is created 0600: only its owner may drive storage
        try:
            listener.bind(self.socket_path)
        finally:
            os.umask(old_umask)
        listener.listen(64)
        self.listener = listener

    def serve_forever(self):
        """Accepts connections until `stop()`; each connection is read on its own thread."""
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                if self.stopping.is_set():
                    break
                raise
            threading.Thread(target=self._serve_connection, args=(connection,), daemon=True).start()

    def stop(self):
        """Stops accepting and removes the socket file, so the node agent sees the driver go away."""
        self.stopping.set()
        try:
            os.unlink(self.socket_path)
        except FileNotFoundError:
            pass
        if self.listener is not None:
            try:
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()

    # -- one connection ---------------------------------------------------------------------------------

    def _serve_connection(self, connection):
        write_lock = threading.Lock()  # responses from concurrent handlers must not interleave

        def send(message):
            data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
            with write_lock:
                try:
                    connection.sendall(data)
                except OSError:
                    pass  # the caller went away; nothing to tell it

        reader = connection.makefile("rb")
        try:
            while True:
                line = reader.readline(MAX_LINE_BYTES + 1)
                if not line:
                    break
                if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                    # Too long: skip the rest of the line, then answer once.
                    while True:
                        rest = reader.readline(MAX_LINE_BYTES)
                        if not rest or rest.endswith(b"\n"):
                            break
                    send(_error(None, RPCError("INVALID_ARGUMENT", "request line exceeds 4 MiB")))
                    continue
                if not line.strip():
                    continue
                self._dispatch(line, send)
        except OSError:
            pass
        finally:
            reader.close()
            connection.close()

    def _dispatch(self, line, send):
        try:
            request = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            send({"jsonrpc": "2.0", "id": None,
                  "error": {"code": -32700, "message": "line is not valid JSON: %s" % error,
                            "data": {"status": "PARSE_ERROR"}}})
            return
        if not isinstance(request, dict) or not isinstance(request.get("method"), str):
            request_id = request.get("id") if isinstance(request, dict) else None
            send({"jsonrpc": "2.0", "id": request_id,
                  "error": {"code": -32600, "message": "not a JSON-RPC 2.0 request: an object with a method",
                            "data": {"status": "INVALID_REQUEST"}}})
            return
        # Each request runs on its own thread: a slow mount never holds up a Probe behind it.
        threading.Thread(target=self._call, args=(request, send), daemon=True).start()

    def _call(self, request, send):
        method = request["method"]
        request_id = request.get("id")
        params = request.get("params", {})
        started = time.monotonic()
        try:
            handler = self.handlers.get(method)
            if handler is None:
                raise RPCError("UNIMPLEMENTED", "method %s is not implemented by this driver" % method)
            if params is None:
                params = {}
            if not isinstance(params, dict):
                raise RPCError("INVALID_ARGUMENT", "params must be a JSON object")
            response = {"jsonrpc": "2.0", "id": request_id, "result": handler(params)}
            status = "OK"
        except RPCError as error:
            response = _error(request_id, error)
            status = error.status
        except Exception as error:  # a bug in the driver: answer INTERNAL rather than dropping the call
            response = _error(request_id, RPCError("INTERNAL", "%s: %s" % (type(error).__name__, error)))
            status = "INTERNAL"
        log("%s %s %.1fms" % (method, status, (time.monotonic() - started) * 1000))
        if "id" in request:  # a request without an id is a notification: no answer
            send(response)


def _error(request_id, error):
    return {"jsonrpc": "2.0", "id": request_id, "error": error.to_json()}

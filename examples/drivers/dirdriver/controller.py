"""The Controller service: volumes are directories under <state-dir>/volumes/<id>.

A directory has no size of its own, so capacity is a recorded promise (a real driver would set a quota).
"""

import hashlib
import os
import shutil

from arguments import check_capability, int64, require, require_supported
from jsonrpc_server import RPCError

DEFAULT_CAPACITY = 1 << 30  # 1 GiB when the caller gives no capacityRange

CAPABILITIES = ["CREATE_DELETE_VOLUME", "LIST_VOLUMES", "EXPAND_VOLUME"]


class ControllerService:
    def __init__(self, state):
        self.state = state

    def handlers(self):
        return {
            "ControllerGetCapabilities": self.get_capabilities,
            "CreateVolume": self.create_volume,
            "DeleteVolume": self.delete_volume,
            "ValidateVolumeCapabilities": self.validate_volume_capabilities,
            "ListVolumes": self.list_volumes,
            "ControllerExpandVolume": self.expand_volume,
        }

    def get_capabilities(self, params):
        return {"capabilities": [{"rpc": {"type": name}} for name in CAPABILITIES]}

    def create_volume(self, params):
        require(params, "name", "volumeCapabilities")
        for index, capability in enumerate(params["volumeCapabilities"]):
            require_supported(capability, "volumeCapabilities[%d]" % index)
        if params.get("volumeContentSource"):
            raise RPCError("INVALID_ARGUMENT", "volumeContentSource is not supported: no snapshots or clones")
        capacity_range = params.get("capacityRange") or {}
        required = int64(capacity_range.get("requiredBytes"), "capacityRange.requiredBytes")
        limit = int64(capacity_range.get("limitBytes"), "capacityRange.limitBytes")
        if required < 0 or limit < 0 or (limit and required > limit):
            raise RPCError("INVALID_ARGUMENT", "capacityRange %d..%d is not a valid range" % (required, limit))
        parameters = params.get("parameters") or {}
        name = params["name"]
        with self.state.lock:
            volume_id, existing = self.state.volume_by_name(name)
            if existing is not None:
                # Idempotency: the same name with compatible arguments is the same volume.
                size = existing["capacityBytes"]
                if size < required or (limit and size > limit):
                    raise RPCError("ALREADY_EXISTS", "volume %s exists with %d bytes, outside the requested "
                                   "range %d..%d" % (name, size, required, limit or required))
                if existing["parameters"] != parameters:
                    raise RPCError("ALREADY_EXISTS", "volume %s exists with other parameters" % name)
                return {"volume": self._volume_json(volume_id, existing)}
            capacity = required or min(DEFAULT_CAPACITY, limit or DEFAULT_CAPACITY)
            # Deterministic ids make a retried CreateVolume (after a crash before it answered) harmless.
            volume_id = "dir-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:24]
            os.makedirs(self.state.volume_directory(volume_id), mode=0o777, exist_ok=True)
            os.chmod(self.state.volume_directory(volume_id), 0o777)  # umask-independent: any pod user writes
            record = {"name": name, "capacityBytes": capacity, "parameters": parameters}
            self.state.volumes[volume_id] = record
            self.state.save()
            return {"volume": self._volume_json(volume_id, record)}

    def delete_volume(self, params):
        require(params, "volumeId")
        volume_id = params["volumeId"]
        with self.state.lock:
            if volume_id not in self.state.volumes:
                return {}  # unknown or already gone: OK, so a retried delete succeeds
            if self.state.staged.get(volume_id) or self.state.published.get(volume_id):
                raise RPCError("FAILED_PRECONDITION", "volume %s is still staged or published" % volume_id)
            # rmtree does not follow symlinks out of the volume (it works on directory descriptors).
            shutil.rmtree(self.state.volume_directory(volume_id), ignore_errors=False,
                          onerror=_ignore_missing)
            del self.state.volumes[volume_id]
            self.state.staged.pop(volume_id, None)
            self.state.published.pop(volume_id, None)
            self.state.save()
        return {}

    def validate_volume_capabilities(self, params):
        require(params, "volumeId", "volumeCapabilities")
        for index, capability in enumerate(params["volumeCapabilities"]):
            check_capability(capability, "volumeCapabilities[%d]" % index)  # malformed -> INVALID_ARGUMENT
        with self.state.lock:
            record = self.state.volumes.get(params["volumeId"])
            if record is None:
                raise RPCError("NOT_FOUND", "volume %s does not exist" % params["volumeId"])
            for capability in params["volumeCapabilities"]:
                reason = check_capability(capability)
                if reason is not None:
                    return {"message": reason}  # no "confirmed": the capabilities are not supported
            if params.get("parameters") and params["parameters"] != record["parameters"]:
                return {"message": "the volume was created with other parameters"}
        return {"confirmed": {key: params[key] for key in ("volumeCapabilities", "volumeContext", "parameters")
                              if key in params}}

    def list_volumes(self, params):
        max_entries = int64(params.get("maxEntries"), "maxEntries")
        if max_entries < 0:
            raise RPCError("INVALID_ARGUMENT", "maxEntries must not be negative")
        token = str(params.get("startingToken") or "0")
        if not token.isdigit():
            raise RPCError("ABORTED", "startingToken %r was not issued by this driver" % token)
        start = int(token)
        with self.state.lock:
            ids = sorted(self.state.volumes)
            if start > len(ids):
                raise RPCError("ABORTED", "startingToken %s is past the end of the list" % token)
            end = len(ids) if max_entries == 0 else min(len(ids), start + max_entries)
            entries = [{"volume": self._volume_json(i, self.state.volumes[i])} for i in ids[start:end]]
        result = {"entries": entries}
        if end < len(ids):
            result["nextToken"] = str(end)
        return result

    def expand_volume(self, params):
        require(params, "volumeId", "capacityRange")
        capacity_range = params["capacityRange"]
        required = int64(capacity_range.get("requiredBytes"), "capacityRange.requiredBytes")
        limit = int64(capacity_range.get("limitBytes"), "capacityRange.limitBytes")
        with self.state.lock:
            record = self.state.volumes.get(params["volumeId"])
            if record is None:
                raise RPCError("NOT_FOUND", "volume %s does not exist" % params["volumeId"])
            capacity = max(record["capacityBytes"], required)
            if limit and capacity > limit:
                raise RPCError("OUT_OF_RANGE", "volume %s has %d bytes, more than limitBytes %d"
                               % (params["volumeId"], capacity, limit))
            if capacity != record["capacityBytes"]:
                record["capacityBytes"] = capacity
                self.state.save()
        # Exactly the size it now has; a directory needs nothing done on the node.
        return {"capacityBytes": capacity, "nodeExpansionRequired": False}

    def _volume_json(self, volume_id, record):
        return {"volumeId": volume_id, "capacityBytes": record["capacityBytes"],
                "volumeContext": {"dir.example.stowage.dev/name": record["name"]}}


def _ignore_missing(function, path, exc_info):
    if not isinstance(exc_info[1], FileNotFoundError):
        raise exc_info[1]

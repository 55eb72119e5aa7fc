"""The Node service: stage bind-mounts the volume directory onto the staging path (once per volume per node),
publish bind-mounts the staging path onto each target (the driver creates the target and removes it again).

Every decision is taken from the durable records in State, never from memory alone, so a restarted driver
answers publish and unpublish exactly as before.
"""

import os

import mounts
from arguments import access_mode, require, require_supported
from jsonrpc_server import RPCError

CAPABILITIES = ["STAGE_UNSTAGE_VOLUME", "GET_VOLUME_STATS"]


class NodeService:
    def __init__(self, state, node_id):
        self.state = state
        self.node_id = node_id

    def handlers(self):
        return {
            "NodeGetCapabilities": self.get_capabilities,
            "NodeGetInfo": self.get_info,
            "NodeStageVolume": self.stage_volume,
            "NodeUnstageVolume": self.unstage_volume,
            "NodePublishVolume": self.publish_volume,
            "NodeUnpublishVolume": self.unpublish_volume,
            "NodeGetVolumeStats": self.get_volume_stats,
        }

    def get_capabilities(self, params):
        return {"capabilities": [{"rpc": {"type": name}} for name in CAPABILITIES]}

    def get_info(self, params):
        return {"nodeId": self.node_id,
                "accessibleTopology": {"segments": {"topology.dir.example.stowage.dev/node": self.node_id}}}

    def stage_volume(self, params):
        require(params, "volumeId", "stagingTargetPath", "volumeCapability")
        require_supported(params["volumeCapability"])
        volume_id = params["volumeId"]
        staging = os.path.normpath(params["stagingTargetPath"])
        with self.state.lock:
            self._volume(volume_id)
            staged = self.state.staged.get(volume_id)
            if staged is not None:
                if staged["stagingTargetPath"] != staging:
                    raise RPCError("FAILED_PRECONDITION", "volume %s is already staged at %s"
                                   % (volume_id, staged["stagingTargetPath"]))
                if staged["capability"] != params["volumeCapability"]:
                    raise RPCError("ALREADY_EXISTS", "volume %s is staged at %s with another capability"
                                   % (volume_id, staging))
                if not mounts.is_mount_point(staging):  # e.g. after a reboot: mount again
                    mounts.bind_mount(self.state.volume_directory(volume_id), staging)
                return {}
            os.makedirs(staging, exist_ok=True)  # the caller creates it; tolerate a caller that did not
            mounts.bind_mount(self.state.volume_directory(volume_id), staging)
            self.state.staged[volume_id] = {"stagingTargetPath": staging,
                                            "capability": params["volumeCapability"]}
            self.state.save()
        return {}

    def unstage_volume(self, params):
        require(params, "volumeId", "stagingTargetPath")
        volume_id = params["volumeId"]
        staging = os.path.normpath(params["stagingTargetPath"])
        with self.state.lock:
            staged = self.state.staged.get(volume_id)
            if staged is None or staged["stagingTargetPath"] != staging:
                return {}  # unknown volume, or not staged at this path: nothing to do, OK
            if self.state.published.get(volume_id):
                raise RPCError("FAILED_PRECONDITION", "volume %s is still published at %s; unpublish first"
                               % (volume_id, ", ".join(sorted(self.state.published[volume_id]))))
            mounts.unmount_all(staging)  # the caller removes the staging directory itself
            del self.state.staged[volume_id]
            self.state.save()
        return {}

    def publish_volume(self, params):
        require(params, "volumeId", "targetPath", "volumeCapability")
        if not params.get("stagingTargetPath"):
            raise RPCError("FAILED_PRECONDITION", "stagingTargetPath is required: this driver advertises "
                           "STAGE_UNSTAGE_VOLUME, so NodeStageVolume comes first")
        require_supported(params["volumeCapability"])
        volume_id = params["volumeId"]
        target = os.path.normpath(params["targetPath"])
        staging = os.path.normpath(params["stagingTargetPath"])
        mode = access_mode(params["volumeCapability"])
        read_only = bool(params.get("readonly")) or mode == "SINGLE_NODE_READER_ONLY"
        wanted = {"stagingTargetPath": staging, "readonly": read_only,
                  "capability": params["volumeCapability"], "volumeContext": params.get("volumeContext") or {}}
        with self.state.lock:
            self._volume(volume_id)
            staged = self.state.staged.get(volume_id)
            if staged is None or staged["stagingTargetPath"] != staging:
                raise RPCError("FAILED_PRECONDITION", "volume %s is not staged at %s" % (volume_id, staging))
            for other_id, targets in self.state.published.items():
                if other_id != volume_id and target in targets:
                    raise RPCError("ALREADY_EXISTS", "%s is the target of volume %s" % (target, other_id))
            targets = self.state.published.setdefault(volume_id, {})
            if target in targets:
                if targets[target] != wanted:
                    raise RPCError("ALREADY_EXISTS", "volume %s is published at %s with other arguments"
                                   % (volume_id, target))
                if not mounts.is_mount_point(target):  # e.g. after a reboot: mount again
                    os.makedirs(target, exist_ok=True)
                    mounts.bind_mount(staging, target, read_only)
                return {}
            modes = {access_mode(record["capability"]) for record in targets.values()} | {mode}
            if targets and "SINGLE_NODE_SINGLE_WRITER" in modes:
                raise RPCError("FAILED_PRECONDITION", "volume %s is SINGLE_NODE_SINGLE_WRITER and already "
                               "published at %s" % (volume_id, ", ".join(sorted(targets))))
            created = not os.path.exists(target)
            os.makedirs(target, exist_ok=True)  # the driver creates the target; the caller made its parent
            try:
                mounts.bind_mount(staging, target, read_only)
            except OSError:
                if created:
                    os.rmdir(target)
                raise
            targets[target] = wanted
            self.state.save()
        return {}

    def unpublish_volume(self, params):
        require(params, "volumeId", "targetPath")
        volume_id = params["volumeId"]
        target = os.path.normpath(params["targetPath"])
        with self.state.lock:
            targets = self.state.published.get(volume_id) or {}
            if target not in targets:
                return {}  # unknown volume or target not published: OK
            mounts.unmount_all(target)
            try:
                os.rmdir(target)  # rmdir, not rmtree: an unmounted target must be empty
            except FileNotFoundError:
                pass
            del targets[target]
            if not targets:
                del self.state.published[volume_id]
            self.state.save()
        return {}

    def get_volume_stats(self, params):
        require(params, "volumeId", "volumePath")
        volume_id = params["volumeId"]
        path = params["volumePath"]
        with self.state.lock:
            self._volume(volume_id)
            known = set(self.state.published.get(volume_id, {}))
            if volume_id in self.state.staged:
                known.add(self.state.staged[volume_id]["stagingTargetPath"])
        if not os.path.isabs(path) or os.path.normpath(path) not in known:
            raise RPCError("NOT_FOUND", "volume %s is not staged or published at %s" % (volume_id, path))
        try:
            stats = os.statvfs(path)
        except FileNotFoundError:
            raise RPCError("NOT_FOUND", "%s does not exist" % path)
        return {"usage": [
            {"unit": "BYTES", "total": stats.f_blocks * stats.f_frsize,
             "available": stats.f_bavail * stats.f_frsize,
             "used": (stats.f_blocks - stats.f_bfree) * stats.f_frsize},
            {"unit": "INODES", "total": stats.f_files, "available": stats.f_favail,
             "used": stats.f_files - stats.f_ffree},
        ]}

    def _volume(self, volume_id):
        record = self.state.volumes.get(volume_id)
        if record is None:
            raise RPCError("NOT_FOUND", "volume %s does not exist" % volume_id)
        return record

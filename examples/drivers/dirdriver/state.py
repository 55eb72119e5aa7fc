"""Durable driver state: one JSON file, rewritten atomically.

A driver must answer correctly after it restarts (the protocol page: "it must not rely on memory alone"), so
every change is written before the call returns: to a temporary file, fsync'd, renamed over the old file, and
the directory fsync'd so the rename itself survives a power cut. Reads come from memory; the file is read once
at start.
"""

import json
import os
import threading


class State:
    """The driver's records: volumes by id, and per volume where it is staged and published.

    `lock` guards every read-modify-write: hold it for a whole RPC so two calls on the same volume cannot
    interleave (simple and correct for a small driver; a busy one would lock per volume).
    """

    def __init__(self, directory):
        self.directory = directory
        self.path = os.path.join(directory, "state.json")
        self.lock = threading.RLock()
        os.makedirs(directory, exist_ok=True)
        try:
            with open(self.path, encoding="utf-8") as file:
                data = json.load(file)
        except FileNotFoundError:
            data = {}
        # volumes: id -> {"name", "capacityBytes", "parameters", "capability"}
        self.volumes = data.get("volumes", {})
        # staged: volume id -> {"stagingTargetPath", "capability"}
        self.staged = data.get("staged", {})
        # published: volume id -> {target path -> {"stagingTargetPath", "readonly", "capability", "context"}}
        self.published = data.get("published", {})

    def save(self):
        """Writes the records durably (temp file, fsync, rename, fsync directory). Call with `lock` held."""
        data = {"volumes": self.volumes, "staged": self.staged, "published": self.published}
        temporary = self.path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=1, sort_keys=True)
            file.flush()
            os.fsync(file.fileno())
        os.rename(temporary, self.path)
        directory = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def volume_by_name(self, name):
        """Returns (id, record) of the volume called `name`, or (None, None)."""
        for volume_id, record in self.volumes.items():
            if record["name"] == name:
                return volume_id, record
        return None, None

    def volume_directory(self, volume_id):
        """Where a volume's bytes live."""
        return os.path.join(self.directory, "volumes", volume_id)

"""Reading request fields the way the protocol page asks: required ones checked first, 64-bit integers accepted
as JSON numbers or decimal strings, volume capabilities checked against what this driver supports."""

from jsonrpc_server import RPCError

# Access modes a directory on one machine can honour. MULTI_NODE_* would need a shared filesystem.
SUPPORTED_ACCESS_MODES = {
    "SINGLE_NODE_WRITER",
    "SINGLE_NODE_READER_ONLY",
    "SINGLE_NODE_SINGLE_WRITER",
    "SINGLE_NODE_MULTI_WRITER",
}
KNOWN_ACCESS_MODES = SUPPORTED_ACCESS_MODES | {
    "MULTI_NODE_READER_ONLY", "MULTI_NODE_SINGLE_WRITER", "MULTI_NODE_MULTI_WRITER",
}


def require(params, *names):
    """Raises INVALID_ARGUMENT naming the first field that is absent or empty.

    Call this before looking anything up: a missing volumeId is INVALID_ARGUMENT even when another id in the
    same request is made up (the conformance tool checks exactly that).
    """
    for name in names:
        value = params.get(name)
        if value is None or value == "" or value == [] or value == {}:
            raise RPCError("INVALID_ARGUMENT", "%s is required" % name)


def int64(value, field):
    """A proto3 int64: a JSON number or a decimal string. Absent means 0."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise RPCError("INVALID_ARGUMENT", "%s must be an integer, not a boolean" % field)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise RPCError("INVALID_ARGUMENT", "%s must be an integer or a decimal string, got %r" % (field, value))


def check_capability(capability, field="volumeCapability"):
    """Raises INVALID_ARGUMENT when a VolumeCapability is malformed; returns a reason string when it is
    well formed but not supported by this driver, else None."""
    if not isinstance(capability, dict):
        raise RPCError("INVALID_ARGUMENT", "%s must be an object" % field)
    access_mode = capability.get("accessMode")
    if not isinstance(access_mode, dict) or "mode" not in access_mode:
        raise RPCError("INVALID_ARGUMENT", "%s.accessMode.mode is required" % field)
    mode = access_mode["mode"]
    if mode not in KNOWN_ACCESS_MODES:
        raise RPCError("INVALID_ARGUMENT", "%s.accessMode.mode %r is not a CSI access mode" % (field, mode))
    has_mount, has_block = "mount" in capability, "block" in capability
    if has_mount == has_block:
        raise RPCError("INVALID_ARGUMENT", "%s needs exactly one access type: mount or block" % field)
    if has_block:
        return "block access is not supported: this driver serves directories"
    if mode not in SUPPORTED_ACCESS_MODES:
        return "access mode %s is not supported: a directory lives on one node" % mode
    return None


def require_supported(capability, field="volumeCapability"):
    """Like check_capability, but an unsupported capability is INVALID_ARGUMENT too."""
    reason = check_capability(capability, field)
    if reason is not None:
        raise RPCError("INVALID_ARGUMENT", reason)


def access_mode(capability):
    return capability["accessMode"]["mode"]

#!/usr/bin/env python3
"""dirdriver: a Stowage storage driver in plain Python (standard library only).

Every volume is a directory under <state-dir>/volumes. The node side stages a volume by bind-mounting its
directory onto the staging path and publishes it by bind-mounting the staging path onto each target.

    python3 driver.py --endpoint unix:///run/dirdriver.sock [--state-dir DIR] [--node-id NAME]

Files:
    driver.py          this file: the Identity service and main()
    controller.py      CreateVolume, DeleteVolume, ValidateVolumeCapabilities, ListVolumes, ControllerExpandVolume
    node.py            NodeStage/Unstage/Publish/Unpublish, NodeGetVolumeStats, NodeGetInfo
    arguments.py       required-field checks, int64 parsing, capability checks
    state.py           the durable record of volumes, stagings and publications
    mounts.py          bind mount / unmount through libc, mountinfo
    jsonrpc_server.py  the transport: JSON-RPC 2.0, one JSON per line, on a Unix socket (copy unchanged)
"""

import argparse
import os
import signal
import socket
import sys

from controller import ControllerService
from jsonrpc_server import JSONRPCServer, log, parse_endpoint
from node import NodeService
from state import State

PLUGIN_NAME = "dir.example.stowage.dev"  # 3-63 characters, domain style, starts and ends with a letter
VENDOR_VERSION = "1.0.0"


class IdentityService:
    def handlers(self):
        return {
            "GetPluginInfo": self.get_plugin_info,
            "GetPluginCapabilities": self.get_plugin_capabilities,
            "Probe": self.probe,
        }

    def get_plugin_info(self, params):
        return {"name": PLUGIN_NAME, "vendorVersion": VENDOR_VERSION}

    def get_plugin_capabilities(self, params):
        return {"capabilities": [
            {"service": {"type": "CONTROLLER_SERVICE"}},  # this driver also serves the Controller RPCs
            {"volumeExpansion": {"type": "ONLINE"}},  # ControllerExpandVolume works while published
        ]}

    def probe(self, params):
        return {"ready": True}


def main(argv):
    parser = argparse.ArgumentParser(description="A Stowage driver whose volumes are directories.")
    parser.add_argument("--endpoint", required=True, help="unix:///absolute/path.sock to listen on")
    parser.add_argument("--state-dir", default="/var/lib/stowage-dirdriver",
                        help="where volumes and the state file live (default %(default)s)")
    parser.add_argument("--node-id", default=socket.gethostname(), help="this node's id (default: hostname)")
    options = parser.parse_args(argv)
    try:
        socket_path = parse_endpoint(options.endpoint)
    except ValueError as error:
        parser.error(str(error))

    state = State(os.path.abspath(options.state_dir))
    handlers = {}
    for service in (IdentityService(), ControllerService(state), NodeService(state, options.node_id)):
        handlers.update(service.handlers())

    server = JSONRPCServer(socket_path, handlers)
    try:
        server.listen()
    except (RuntimeError, OSError) as error:
        log("cannot listen on %s: %s" % (socket_path, error))
        return 1

    # SIGTERM/SIGINT: stop accepting and remove the socket. Mounts stay: a restarted driver finds its records.
    def shut_down(signum, frame):
        log("signal %d: shutting down" % signum)
        server.stop()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    log("%s %s serving %s (state in %s, node %s)"
        % (PLUGIN_NAME, VENDOR_VERSION, options.endpoint, state.directory, options.node_id))
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

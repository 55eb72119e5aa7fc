#if canImport(Glibc)
import Glibc
#endif
import CLinuxLoop

/// Builds a container's view of the host and executes its command in it. Runs in `stowage-container-init`, after
/// `unshare(CLONE_NEWNS|CLONE_NEWUTS)`, so nothing it mounts is seen by the host.
///
/// The container sees the host's own tree, with its volumes mounted at their paths. A path that does not exist on
/// the host (a `mountPath` of `/data`, a `devicePath` under `/dev`) is never created on the host: the directories
/// on the way to it are assembled in a small tmpfs, entry by entry — every other entry is bind-mounted (recursively)
/// or re-created as the same symlink — and the missing directory or file is made there. The root is then
/// switched with `pivot_root`, and the host's old root is detached. Copies of the node's own mounts and of loop
/// filesystems that the bind mounts brought along are detached first, so a container never keeps a loop device
/// attached after the host lets it go.
public enum ContainerRoot {
    private static let newMountNamespace: Int32 = 0x0002_0000  // CLONE_NEWNS
    private static let newUTSNamespace: Int32 = 0x0400_0000    // CLONE_NEWUTS
    private static let oldRootName = ".stowage-old-root"

    /// Enters new mount and UTS namespaces, builds the root, switches to it and executes the command.
    /// - Throws: `LinuxError` naming the step and path that failed; on success it does not return.
    public static func enter(_ launch: ContainerLaunch) throws -> Never {
        guard let program = launch.arguments.first, !program.isEmpty else {
            throw LinuxError(call: "exec", path: "", errno: EINVAL, detail: "no command to run")
        }
        _ = try checkedSystemCall("unshare(CLONE_NEWNS|CLONE_NEWUTS)") { stowage_unshare(newMountNamespace | newUTSNamespace) }
        _ = try checkedSystemCall("mount(MS_REC|MS_PRIVATE)", path: "/") {
            Glibc.mount(nil, "/", nil, Mount.Flags([.recursive, .private]).rawValue, nil)
        }
        _ = try checkedSystemCall("sethostname", path: launch.hostname) { sethostname(launch.hostname, launch.hostname.utf8.count) }
        let root = launch.rootDirectory
        try Mount.mount(source: "stowage-root", target: root, type: "tmpfs", flags: [.noSetUID], data: "size=16m,mode=0755")
        let plan = try RootPlan(launch)
        try plan.assemble(in: root)
        for mount in plan.mounts { try attach(mount, in: root) }
        try detachForeign(launch.hiddenPaths, keeping: plan.mounts.map(\.target), in: root)
        try pivot(into: root)
        let workingDirectory = plan.workingDirectory ?? "/"
        try FileTree.makeDirectories(workingDirectory)
        _ = try checkedSystemCall("chdir", path: workingDirectory) { chdir(workingDirectory) }
        clearenv()
        for entry in launch.environment {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            setenv(String(entry[..<equals]), String(entry[entry.index(after: equals)...]), 1)
        }
        if getenv("PATH") == nil { setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1) }
        var argv: [UnsafeMutablePointer<CChar>?] = launch.arguments.map { strdup($0) }
        argv.append(nil)
        execvp(program, argv)
        throw LinuxError.lastError("execvp", path: program)
    }

    /// Joins the mount and UTS namespaces of the running container process `pid` and executes `arguments` there
    /// (an exec probe, `stowage exec`), in the container's working directory and with its environment, as
    /// `kubectl exec` runs a command.
    /// - Throws: `LinuxError` naming the namespace or the program; on success it does not return.
    public static func join(pid: Int32, arguments: [String]) throws -> Never {
        guard let program = arguments.first, !program.isEmpty else {
            throw LinuxError(call: "exec", path: "", errno: EINVAL, detail: "no command to run")
        }
        // Until the helper has executed the container's command, its namespaces and environment are not the
        // container's yet: a probe then would see the host's root and the node agent's environment.
        if let target = linkTarget("/proc/\(pid)/exe"), target == linkTarget("/proc/self/exe") {
            throw LinuxError(call: "setns", path: "/proc/\(pid)", errno: EAGAIN, detail: "the container is still starting")
        }
        let environment = containerEnvironment(pid: pid)
        // The container's working directory, held open across setns: a path would be read in the wrong tree.
        let cwdPath = "/proc/\(pid)/cwd"
        let workingDirectory = try checkedSystemCall("open", path: cwdPath) { open(cwdPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(workingDirectory) }
        for (name, type) in [("mnt", newMountNamespace), ("uts", newUTSNamespace)] {
            let path = "/proc/\(pid)/ns/\(name)"
            let descriptor = try checkedSystemCall("open", path: path) { open(path, O_RDONLY | O_CLOEXEC) }
            defer { close(descriptor) }
            _ = try checkedSystemCall("setns", path: path) { stowage_setns(descriptor, type) }
        }
        if fchdir(workingDirectory) != 0 { _ = chdir("/") }
        if let environment {
            clearenv()
            for entry in environment {
                guard let equals = entry.firstIndex(of: "=") else { continue }
                setenv(String(entry[..<equals]), String(entry[entry.index(after: equals)...]), 1)
            }
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execvp(program, argv)
        throw LinuxError.lastError("execvp", path: program)
    }

    /// Where the symlink at `path` points, or nil.
    private static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The environment process `pid` started with (`/proc/<pid>/environ`), or nil when it cannot be read.
    private static func containerEnvironment(pid: Int32) -> [String]? {
        let descriptor = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Makes a volume visible at its target: the directory or device file is created when missing (in the tmpfs,
    /// or inside a volume mounted at a shallower path), then the source — or its `subPath`, opened without
    /// following symlinks — is bind-mounted there, read-only when asked.
    private static func attach(_ mount: ContainerLaunch.VolumeMount, in root: String) throws {
        let destination = root + mount.target
        if mount.isDevice {
            try FileTree.makeDirectories(FileTree.parent(of: destination))
            try FileTree.makeFile(destination)
        } else {
            try FileTree.makeDirectories(destination)
        }
        guard let subPath = mount.subPath, !subPath.isEmpty else {
            try Mount.bind(mount.source, to: destination, readOnly: mount.readOnly)
            return
        }
        let descriptor = try SubPath.open(subPath, in: mount.source)
        defer { close(descriptor) }
        try Mount.bind("/proc/self/fd/\(descriptor)", to: destination, readOnly: mount.readOnly)
    }

    /// Detaches, inside the namespace, the copies of host mounts the container must not hold, except its own
    /// volumes: every mount under a hidden host path (the node's state directory: other pods' volumes, staged
    /// filesystems), and every filesystem on a loop device other than the host root's. A copy keeps its
    /// filesystem alive after the host unmounts it, and a loop filesystem kept alive keeps its loop device
    /// attached: a volume detached by its driver, or a snap refreshed, while a container that started before
    /// runs, would leave the device behind.
    private static func detachForeign(_ hidden: [String], keeping targets: [String], in root: String) throws {
        func isAtOrUnder(_ path: String, _ base: String) -> Bool { path == base || path.hasPrefix(base == "/" ? "/" : base + "/") }
        let table = try MountInfo.current()
        let rootDevice = table.first { $0.mountPoint == "/" }?.device
        func isOnLoopDevice(_ mount: MountInfo) -> Bool {
            mount.device != rootDevice && (mount.device.hasPrefix("7:") || mount.source.hasPrefix("/dev/loop"))
        }
        let doomed = table.filter { mount in
            guard mount.mountPoint.hasPrefix(root + "/") else { return false }
            let inside = String(mount.mountPoint.dropFirst(root.count))
            if targets.contains(where: { isAtOrUnder(inside, $0) }) { return false }
            return hidden.contains { isAtOrUnder(inside, $0) } || isOnLoopDevice(mount)
        }.map(\.mountPoint)
        for point in doomed.sorted(by: { $0.count > $1.count }) {
            _ = umount2(point, 2)  // MNT_DETACH; a copy already gone with its parent is not an error
        }
    }

    private static func pivot(into root: String) throws {
        let oldRoot = "\(root)/\(oldRootName)"
        _ = try checkedSystemCall("mkdir", path: oldRoot) { mkdir(oldRoot, 0o700) }
        _ = try checkedSystemCall("pivot_root", path: root) { stowage_pivot_root(root, oldRoot) }
        _ = try checkedSystemCall("chdir", path: "/") { chdir("/") }
        _ = try checkedSystemCall("umount2(MNT_DETACH)", path: "/\(oldRootName)") { umount2("/\(oldRootName)", 2) }
        _ = rmdir("/\(oldRootName)")
    }
}

import ServiceLifecycle
import StowageControllers

/// The controller manager as a `Service` of `stowage serve`'s group: runs until graceful shutdown.
struct ControllerService: Service {
    let manager: ControllerManager

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await manager.run()
        }
    }
}

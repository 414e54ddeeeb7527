import ArgumentParser
import NIOCore
import NIOPosix

/// `static func main()` for a command whose Swift Concurrency jobs run on NIO's event loops.
/// Installed before anything else starts: a connection's reads, its Redis replies and its
/// writes then stay on one thread instead of hopping between the cooperative pool and the event
/// loops, and on a small virtual machine each such hop is a wake-up of tens of microseconds.
public protocol EventLoopMain: AsyncParsableCommand {}

extension EventLoopMain {
    public static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

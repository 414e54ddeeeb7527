import CHiredis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one blocking hiredis `redisContext`. Every method except `interrupt()` blocks and must
/// run on a dedicated thread (a `NIOThreadPool` thread), never on the cooperative pool.
///
/// `@unchecked Sendable` because a `redisContext` is not thread-safe and the compiler cannot see
/// how it is guarded: a handle is only ever used by one thread at a time. A pooled handle is
/// leased from `RedisConnectionPool` for one thread-pool work item and handed back through the
/// pool's lock, which also orders memory between the threads that use it in turn; a blocking
/// connection's handle is only used from that connection's single thread. The one cross-thread
/// call, `interrupt()`, touches no hiredis state: it calls `shutdown(2)` on a descriptor copied at
/// connect time, and its callers hold the owner's lock while the handle is still registered
/// there, so the descriptor cannot have been closed and reused.
final class RedisConnectionHandle: @unchecked Sendable {
    let id: Int
    private var context: UnsafeMutablePointer<redisContext>?
    private let fileDescriptor: Int32
    /// Set when the reply stream may be out of step even though hiredis reports no error.
    private var isPoisoned = false

    private init(id: Int, context: UnsafeMutablePointer<redisContext>) {
        self.id = id
        self.context = context
        self.fileDescriptor = context.pointee.fd
    }

    deinit {
        self.close()
    }

    /// Connects, applies the command timeout, then authenticates and selects the database.
    static func connect(configuration: RedisConfiguration, id: Int) throws -> RedisConnectionHandle {
        let target = "\(configuration.host):\(configuration.port)"
        guard let context = redisConnectWithTimeout(
            configuration.host, Int32(clamping: configuration.port), configuration.connectTimeout.timeval
        ) else {
            throw RedisError(code: .connectionFailed, message: "connect to \(target): hiredis could not allocate a context")
        }
        if context.pointee.err != 0 {
            let reason = Self.errorString(context)
            redisFree(context)
            throw RedisError(code: .connectionFailed, message: "connect to \(target): \(reason)")
        }
        let handle = RedisConnectionHandle(id: id, context: context)
        try handle.setTimeout(configuration.commandTimeout)

        if let password = configuration.password {
            var auth = ["AUTH"]
            if let username = configuration.username { auth.append(username) }
            auth.append(password)
            let reply = try handle.execute(auth.map { Array($0.utf8) })
            if case .error(let text) = reply {
                // Servers do not echo the password today, but the guarantee must not depend on it.
                let safe = password.isEmpty ? text : text.replacing(password, with: "***")
                throw RedisError(code: .authenticationFailed, message: "AUTH rejected by \(target): \(safe)")
            }
        }
        if configuration.database != 0 {
            let reply = try handle.execute([Array("SELECT".utf8), Array(String(configuration.database).utf8)])
            if case .error(let text) = reply {
                throw RedisError(code: .serverError, message: "SELECT \(configuration.database) rejected by \(target): \(text)")
            }
        }
        return handle
    }

    /// A context with `err` set never recovers; it must be freed and replaced.
    var isBroken: Bool {
        guard let context else { return true }
        return context.pointee.err != 0 || self.isPoisoned
    }

    /// An idle connection has nothing to read, so readable data or a hang-up means the server
    /// closed it (for example it was restarted) and using it would only fail.
    var isStale: Bool {
        guard !self.isBroken else { return true }
        var descriptor = pollfd(fd: self.fileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    /// Sets the socket read and write timeout; `.zero` means wait forever.
    func setTimeout(_ timeout: Duration) throws {
        guard let context else { throw Self.closedError }
        guard redisSetTimeout(context, timeout.timeval) == REDIS_OK else { throw self.contextError() }
    }

    func execute(_ arguments: [[UInt8]]) throws -> RedisValue {
        guard let context else { throw Self.closedError }
        guard !arguments.isEmpty else { throw RedisError(code: .protocolError, message: "empty command") }
        let reply = Self.withArgv(arguments) { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let reply else { throw self.contextError() }
        defer { freeReplyObject(reply) }
        return RedisValue(reply: reply.assumingMemoryBound(to: redisReply.self))
    }

    /// Sends every command before reading any reply, so the whole batch costs one round trip.
    /// Error replies stay in the result; only a broken connection throws.
    func pipeline(_ commands: [[[UInt8]]]) throws -> [RedisValue] {
        guard let context else { throw Self.closedError }
        guard !commands.contains(where: \.isEmpty) else {
            throw RedisError(code: .protocolError, message: "empty command in pipeline")
        }
        for (index, arguments) in commands.enumerated() {
            let status = Self.withArgv(arguments) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            guard status == REDIS_OK else {
                // Commands already buffered would be sent on the next use and shift every reply.
                if index > 0 { self.isPoisoned = true }
                throw self.contextError()
            }
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var reply: UnsafeMutableRawPointer? = nil
            guard redisGetReply(context, &reply) == REDIS_OK, let reply else {
                self.isPoisoned = true
                throw self.contextError()
            }
            replies.append(RedisValue(reply: reply.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(reply)
        }
        return replies
    }

    /// Wakes a thread blocked reading this socket; the handle is broken afterwards. Safe from any
    /// thread while the handle is not yet closed (see the type's comment).
    func interrupt() {
        _ = shutdown(self.fileDescriptor, Int32(SHUT_RDWR))
    }

    func close() {
        if let context {
            redisFree(context)
            self.context = nil
        }
    }

    private static let closedError = RedisError(code: .closed, message: "connection is closed")

    /// Converts `ctx->err`/`ctx->errstr`; `errno` is stale by the time hiredis returns.
    private func contextError() -> RedisError {
        guard let context else { return Self.closedError }
        let reason = Self.errorString(context)
        switch context.pointee.err {
        case REDIS_ERR_EOF:
            return RedisError(code: .connectionLost, message: reason)
        case REDIS_ERR_IO where Self.isTimeout(reason):
            return RedisError(code: .timeout, message: "no reply before the socket timeout: \(reason)")
        case REDIS_ERR_PROTOCOL:
            return RedisError(code: .protocolError, message: reason)
        case 0:
            self.isPoisoned = true
            return RedisError(code: .protocolError, message: "hiredis returned no reply and no error")
        default:
            return RedisError(code: .connectionLost, message: reason)
        }
    }

    /// hiredis 0.14 reports an expired SO_RCVTIMEO as a plain I/O error carrying strerror(EAGAIN).
    private static func isTimeout(_ reason: String) -> Bool {
        reason == String(cString: strerror(EAGAIN)) || reason == String(cString: strerror(EWOULDBLOCK))
            || reason.contains("timed out")
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    /// Lays all arguments out in one buffer and passes explicit lengths, so arguments may hold any
    /// bytes, including NUL, CR/LF and spaces.
    private static func withArgv<R>(
        _ arguments: [[UInt8]],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        let total = arguments.reduce(0) { $0 + $1.count }
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: max(total, 1))
        defer { storage.deallocate() }
        let argv = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: arguments.count)
        defer { argv.deallocate() }
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: arguments.count)
        defer { lengths.deallocate() }

        var offset = 0
        for (index, argument) in arguments.enumerated() {
            argument.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress, !bytes.isEmpty {
                    UnsafeMutableRawPointer(storage + offset).copyMemory(from: base, byteCount: bytes.count)
                }
            }
            argv[index] = UnsafePointer(storage + offset)
            lengths[index] = argument.count
            offset += argument.count
        }
        return body(Int32(arguments.count), argv, UnsafePointer(lengths))
    }
}

extension Duration {
    /// hiredis takes `struct timeval`; sub-microsecond precision is irrelevant for socket timeouts.
    var timeval: timeval {
        let (seconds, attoseconds) = self.components
        return .init(tv_sec: time_t(seconds), tv_usec: suseconds_t(attoseconds / 1_000_000_000_000))
    }
}

import Synchronization

/// The frames waiting to be written to one client, bounded: a client that stops reading
/// overflows it and is dropped, so it can neither slow the others nor grow memory without bound.
public final class SessionOutbox: Sendable {
    public let frames: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let overflowed = Atomic<Bool>(false)
    private let reason = Mutex<String?>(nil)

    public init(limit: Int) {
        (frames, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(limit))
    }

    public var didOverflow: Bool { overflowed.load(ordering: .relaxed) }

    /// Queues a frame; false when the outbox is closed or just overflowed.
    @discardableResult
    public func send(_ frame: String) -> Bool {
        switch continuation.yield(frame) {
        case .enqueued:
            return true
        case .dropped:
            overflowed.store(true, ordering: .relaxed)
            continuation.finish()
            return false
        case .terminated:
            return false
        @unknown default:
            return false
        }
    }

    /// No more frames; the writer sends what is queued and ends. `reason`, if given, is why the
    /// server ended the session, recorded as its error.
    public func finish(reason: String? = nil) {
        if let reason { self.reason.withLock { $0 = $0 ?? reason } }
        continuation.finish()
    }

    public var closeReason: String? {
        if didOverflow { return "outbound queue overflow (client too slow)" }
        return reason.withLock { $0 }
    }
}

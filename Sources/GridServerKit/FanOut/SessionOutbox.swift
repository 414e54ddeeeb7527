import Synchronization

/// The frames waiting to be written to one client, bounded in frames and in bytes: a client that
/// stops reading overflows it and is dropped, so it can neither slow the others nor grow memory
/// without bound. The bytes count until the writer has handed a frame to the socket, so a writer
/// stuck on a full socket still counts what waits behind it. The welcome does not count: it is
/// as large as the grid, and a client cannot read it any faster than the socket allows.
public final class SessionOutbox: Sendable {
    /// A queued frame and the bytes it counts against the bound.
    public struct Frame: Sendable {
        public let text: String
        let counted: Int
    }

    public let frames: AsyncStream<Frame>
    /// Yields once when the outbox overflows; finishes when the outbox does. The connection
    /// watches it to end a session whose reader and writer are both blocked on the client.
    public let overflows: AsyncStream<Void>
    private let continuation: AsyncStream<Frame>.Continuation
    private let overflowContinuation: AsyncStream<Void>.Continuation
    private let byteLimit: Int
    private let overflowed = Atomic<Bool>(false)
    private let queuedBytes = Atomic<Int>(0)
    private let queuedFrames = Atomic<Int>(0)
    private let reason = Mutex<String?>(nil)
    private let gauge: QueueGauge?

    /// `gauge`, if given, follows the number of frames queued here (summed over every outbox sharing it).
    public init(limit: Int, byteLimit: Int = .max, gauge: QueueGauge? = nil) {
        (frames, continuation) = AsyncStream.makeStream(of: Frame.self, bufferingPolicy: .bufferingOldest(limit))
        (overflows, overflowContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.byteLimit = byteLimit
        self.gauge = gauge
    }

    public var didOverflow: Bool { overflowed.load(ordering: .relaxed) }

    /// Frames queued and not yet written.
    public var depth: Int { queuedFrames.load(ordering: .relaxed) }

    /// Queues a frame; false when the outbox is closed or just overflowed. `counted: false`
    /// leaves it out of the byte bound (the welcome); it still takes a place in the frame bound.
    @discardableResult
    public func send(_ frame: String, counted: Bool = true) -> Bool {
        let bytes = counted ? frame.utf8.count : 0
        if queuedBytes.add(bytes, ordering: .relaxed).newValue > byteLimit {
            queuedBytes.subtract(bytes, ordering: .relaxed)
            overflow()
            return false
        }
        switch continuation.yield(Frame(text: frame, counted: bytes)) {
        case .enqueued:
            queuedFrames.add(1, ordering: .relaxed)
            gauge?.add(1)
            return true
        case .dropped:
            queuedBytes.subtract(bytes, ordering: .relaxed)
            overflow()
            return false
        case .terminated:
            queuedBytes.subtract(bytes, ordering: .relaxed)
            return false
        @unknown default:
            return false
        }
    }

    /// The writer handed `frame` to the socket.
    public func didWrite(_ frame: Frame) {
        queuedBytes.subtract(frame.counted, ordering: .relaxed)
        queuedFrames.subtract(1, ordering: .relaxed)
        gauge?.add(-1)
    }

    /// No more frames; the writer sends what is queued and ends. `reason`, if given, is why the
    /// server ended the session, recorded as its error.
    public func finish(reason: String? = nil) {
        if let reason { self.reason.withLock { $0 = $0 ?? reason } }
        continuation.finish()
        overflowContinuation.finish()
    }

    /// The writer ended: frames it never wrote no longer count as queued.
    public func writerEnded() {
        let left = queuedFrames.exchange(0, ordering: .relaxed)
        if left > 0 { gauge?.add(-left) }
        queuedBytes.store(0, ordering: .relaxed)
    }

    public var closeReason: String? {
        if didOverflow { return Self.overflowReason }
        return reason.withLock { $0 }
    }

    public static let overflowReason = "outbound queue overflow (client too slow)"

    private func overflow() {
        guard !overflowed.exchange(true, ordering: .relaxed) else { return }
        continuation.finish()
        overflowContinuation.yield()
        overflowContinuation.finish()
    }
}

/// A server-wide count of queued frames, read by `/metrics`.
public final class QueueGauge: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    public func add(_ delta: Int) { value.add(delta, ordering: .relaxed) }

    public var current: Int { value.load(ordering: .relaxed) }
}

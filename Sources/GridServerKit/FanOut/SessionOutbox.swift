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
    /// Counted under one lock with the enqueue, so the server-wide gauge never drifts.
    private let queue = Mutex<(bytes: Int, frames: Int, writerEnded: Bool)>((0, 0, false))
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
    public var depth: Int { queue.withLock { $0.frames } }

    /// Queues a frame; false when the outbox is closed or just overflowed. `counted: false`
    /// leaves it out of the byte bound (the welcome); it still takes a place in the frame bound.
    @discardableResult
    public func send(_ frame: String, counted: Bool = true) -> Bool {
        let bytes = counted ? frame.utf8.count : 0
        let result: AsyncStream<Frame>.Continuation.YieldResult? = queue.withLock { queue in
            guard !queue.writerEnded, queue.bytes + bytes <= byteLimit else { return nil }
            let result = continuation.yield(Frame(text: frame, counted: bytes))
            if case .enqueued = result {
                queue.bytes += bytes
                queue.frames += 1
                gauge?.add(1)
            }
            return result
        }
        switch result {
        case .enqueued:
            return true
        case .dropped, nil:
            if result != nil || !queue.withLock({ $0.writerEnded }) { overflow() }
            return false
        case .terminated:
            return false
        @unknown default:
            return false
        }
    }

    /// The writer handed `frame` to the socket.
    public func didWrite(_ frame: Frame) {
        queue.withLock { queue in
            queue.bytes -= frame.counted
            queue.frames -= 1
            gauge?.add(-1)
        }
    }

    /// The writer ended: nothing more is queued, and what it never wrote no longer counts.
    public func writerEnded() {
        queue.withLock { queue in
            queue.writerEnded = true
            gauge?.add(-queue.frames)
            queue.frames = 0
            queue.bytes = 0
        }
        continuation.finish()
    }

    /// No more frames; the writer sends what is queued and ends. `reason`, if given, is why the
    /// server ended the session, recorded as its error.
    public func finish(reason: String? = nil) {
        if let reason { self.reason.withLock { $0 = $0 ?? reason } }
        continuation.finish()
        overflowContinuation.finish()
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
